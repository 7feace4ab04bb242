/**
 * Boundaries the architecture depends on, checked by `pnpm lint`:
 * services talk only through Kafka, so no service imports another; shared packages never
 * reach into a service; KafkaJS stays behind @order-platform/messaging; production code
 * does not import a devDependency; a domain/ folder imports no framework, broker or database.
 */
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

/**
 * What ships: a package's src/ less its unit specs, src/testing/ (the builders and fakes a
 * package exports for other packages' tests, e.g. @order-platform/contracts/testing) and
 * packages/testing, the test harness, which is only ever a devDependency.
 */
const productionCode = {
  path: '^(services|packages)/[^/]+/src/',
  pathNot: ['\\.spec\\.ts$', '/src/testing/', '/(test|__tests__)/', '^packages/testing/'],
};

function workspaceDevDependencyRules() {
  const manifest = (dir) => JSON.parse(readFileSync(join(__dirname, dir, 'package.json'), 'utf8'));
  const dirs = ['services', 'packages'].flatMap((group) =>
    readdirSync(join(__dirname, group))
      .map((name) => `${group}/${name}`)
      .filter((dir) => existsSync(join(__dirname, dir, 'package.json'))),
  );
  const dirOf = new Map(dirs.map((dir) => [manifest(dir).name, dir]));
  const shipped = (dir) => !productionCode.pathNot.some((pattern) => new RegExp(pattern).test(`${dir}/src/`));
  return dirs.filter(shipped).flatMap((dir) => {
    const { dependencies = {}, devDependencies = {} } = manifest(dir);
    const devOnly = Object.keys(devDependencies).filter((name) => dirOf.has(name) && !(name in dependencies));
    if (devOnly.length === 0) return [];
    return [
      {
        name: 'no-dev-dependency-in-production',
        comment: `${dir}: ${devOnly.join(', ')} only in devDependencies.`,
        severity: 'error',
        from: { ...productionCode, path: `^${dir}/src/` },
        to: { path: `^(${devOnly.map((name) => dirOf.get(name)).join('|')})/` },
      },
    ];
  });
}

module.exports = {
  forbidden: [
    {
      name: 'no-service-to-service',
      comment: "Services collaborate through events, never through each other's code.",
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/([^/]+)/', pathNot: '^services/$1/' },
    },
    {
      name: 'no-package-to-service',
      severity: 'error',
      from: { path: '^packages/' },
      to: { path: '^services/' },
    },
    {
      name: 'kafkajs-behind-messaging',
      comment:
        'Only packages/messaging may use KafkaJS, so a change of client touches one package: tests and tools observe topics through @order-platform/messaging/testing (TopicReader, TopicWriter) and its KafkaAdmin.',
      severity: 'error',
      from: { path: '^(services|packages)/', pathNot: ['^packages/messaging/'] },
      to: { path: 'node_modules/kafkajs/' },
    },
    {
      name: 'no-dev-dependency-in-production',
      comment:
        "Production code runs without its package's devDependencies (the Dockerfile deploys --prod): move the package to dependencies, or the import to a test. Type-only imports are erased, so @types/* may stay dev.",
      severity: 'error',
      from: productionCode,
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    // The same for workspace packages, which resolve to their sources (packages/x/src/...)
    // and so are not typed npm-dev by dependency-cruiser: one rule per package that has any.
    ...workspaceDevDependencyRules(),
    {
      name: 'domain-is-pure',
      comment:
        'A domain/ folder holds the aggregate and its rules: no NestJS, no Kafka, no SQL, no repository; adapters and use cases call into it, not the reverse.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: {
        path: [
          'node_modules/(@nestjs/[^/]+|kafkajs|@kafkajs/[^/]+|pg|pg-[^/]+|@types/pg)/',
          '^packages/(messaging|postgres|service-kit)/',
          '(^|/)(db|infra)/',
          '\\.repository\\.ts$',
        ],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Our own build output only: excluding every dist/ or node_modules/ path would also drop
    // each dependency on an npm package (most resolve into a dist/), and every rule about them.
    exclude: { path: '^(services|packages)/[^/]+/(dist|coverage)/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'require', 'node', 'default'],
    },
  },
};
