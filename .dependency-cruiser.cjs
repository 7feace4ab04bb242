/**
 * Boundaries the architecture depends on, checked by `pnpm lint`:
 * services talk only through Kafka, so no service imports another; shared packages never
 * reach into a service; KafkaJS stays behind @order-platform/messaging.
 */
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
        'Only packages/messaging may use KafkaJS, so a change of client touches one package (tests may use it to observe topics).',
      severity: 'error',
      from: { path: '^(services|packages)/', pathNot: ['^packages/messaging/', '/test/', '\\.spec\\.ts$'] },
      to: { path: 'node_modules/kafkajs/' },
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
    exclude: { path: '(^|/)(dist|node_modules|coverage)/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['source', 'require', 'node', 'default'],
    },
  },
};
