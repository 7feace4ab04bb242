import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Component, type StackContext, stackComponent } from '../component';
import { installMavenArchive } from '../installer';
import { httpGet, httpJson } from '../probes';
import { readTail } from '../run-command';
import { renderFile } from '../template';
import { dataDirOf, logFileOf, version } from '../stack-context';
import { heapOpts, javaEnv, jvmCommonOpts, kafkaLib, log4jConfig, templateValues } from './java';
import { installKafkaJars } from './kafka';

const debeziumPgClass = 'io.debezium.connector.postgresql.PostgresConnector';

/** A zip's central directory stores entry names uncompressed: finding one needs no unzip. */
function jarHas(jar: string, entry: string): boolean {
  return readFileSync(jar).includes(Buffer.from(entry));
}

function pluginPath(ctx: StackContext): string {
  return join(ctx.cacheDir, `debezium-${version(ctx, 'DEBEZIUM_VERSION')}`, 'plugins');
}

async function installDebezium(ctx: StackContext): Promise<void> {
  const debezium = version(ctx, 'DEBEZIUM_VERSION');
  await installMavenArchive(ctx, {
    component: 'connect',
    what: `Debezium Postgres connector ${debezium}`,
    archive: {
      group: 'io.debezium',
      id: 'debezium-connector-postgres',
      version: debezium,
      classifier: 'plugin',
    },
    final: pluginPath(ctx),
    check(root) {
      const core = join(root, 'debezium-connector-postgres', `debezium-core-${debezium}.jar`);
      if (!existsSync(core)) throw new Error('connect: debezium-core jar missing from the plugin archive');
      for (const cls of [
        'io/debezium/converters/BinaryDataConverter.class',
        'io/debezium/transforms/outbox/EventRouter.class',
      ]) {
        if (!jarHas(core, cls)) throw new Error(`connect: ${cls} not found in ${core}`);
      }
    },
  });
}

interface ConnectorStatus {
  status: { connector: { state: string }; tasks: { id: number; state: string }[] };
}

/** "name=STATE name/0=STATE …" of every connector, or undefined when Connect does not answer. */
async function connectorStates(url: string): Promise<string | undefined> {
  const all = (await httpJson(`${url}/connectors?expand=status`)) as
    Record<string, ConnectorStatus> | undefined;
  if (!all) return undefined;
  return Object.entries(all)
    .flatMap(([name, c]) => [
      `${name}=${c.status.connector.state}`,
      ...c.status.tasks.map((t) => `${name}/${t.id}=${t.state}`),
    ])
    .sort()
    .join(' ');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function connect(ctx: StackContext): Component {
  const url = `http://127.0.0.1:${ctx.ports.connect}`;
  const data = dataDirOf(ctx, 'connect');
  const logFile = logFileOf(ctx, { name: 'connect', kind: 'stack' });
  return stackComponent(ctx, {
    name: 'connect',
    dependencies: ['kafka'],
    startTimeoutSeconds: 180,

    async install() {
      await installKafkaJars(ctx);
      await installDebezium(ctx);
    },

    start() {
      mkdirSync(data, { recursive: true });
      const conf = join(ctx.stackDir, 'conf', 'connect.properties');
      renderFile(
        join(ctx.repoRoot, 'infra/native/conf/connect-distributed.properties'),
        conf,
        templateValues(ctx, { CONNECT_PLUGIN_PATH: pluginPath(ctx) }),
      );
      return Promise.resolve({
        command: 'java',
        args: [
          ...heapOpts(ctx, 'CONNECT_HEAP_OPTS', '-Xms64m -Xmx512m'),
          ...jvmCommonOpts,
          '-Dorder-platform.component=connect',
          log4jConfig(ctx, 'log4j.properties'),
          '-cp',
          `${kafkaLib(ctx)}/*`,
          'org.apache.kafka.connect.cli.ConnectDistributed',
          conf,
        ],
        cwd: data,
        env: javaEnv(ctx),
      });
    },

    async ready() {
      const plugins = await httpGet(`${url}/connector-plugins`);
      return (
        plugins !== undefined &&
        plugins.includes(`"${debeziumPgClass}"`) &&
        (await httpGet(`${url}/connectors`)) !== undefined
      );
    },

    // Waits (a bounded time) until the worker has joined its group and started the
    // connectors already registered (after a crash: resumed them), so that `up connect`
    // returns with the connectors running again; then reports their states.
    async provision() {
      const deadline = Date.now() + Number(ctx.env.CONNECT_RESUME_TIMEOUT ?? 60) * 1000;
      const startedSinceLastBanner = () => {
        const log = readTail(logFile);
        const banner = Math.max(log.lastIndexOf('starting connect ====='), 0);
        return log.indexOf('Finished starting connectors and tasks', banner) >= 0;
      };
      while (!startedSinceLastBanner()) {
        if (Date.now() >= deadline) {
          ctx.log('connect: WARNING: the worker has not started its connectors and tasks yet');
          break;
        }
        await sleep(250);
      }
      for (;;) {
        const states = await connectorStates(url);
        if (states !== undefined && !states.includes('UNASSIGNED')) {
          if (states) ctx.log(`connect: connectors: ${states}`);
          return;
        }
        if (Date.now() >= deadline) {
          ctx.log(`connect: WARNING: connectors not all assigned yet: ${states ?? '?'}`);
          return;
        }
        await sleep(250);
      }
    },

    async info() {
      const root = (await httpJson(`${url}/`)) as { version?: string } | undefined;
      const plugins = (await httpJson(`${url}/connector-plugins`)) as
        { class: string; version: string }[] | undefined;
      const dbz = plugins?.find((p) => p.class === debeziumPgClass)?.version ?? '?';
      return `connect   ready  ${url}  Kafka Connect ${root?.version ?? '?'}, Debezium Postgres connector ${dbz}`;
    },

    // Connect keeps its state (connector configs, offsets, status) in Kafka topics: wiping
    // kafka resets it. Nothing local to delete apart from the working directory.
    wipe() {
      rmSync(data, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}
