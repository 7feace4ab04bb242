import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import {
  GenericContainer,
  Network,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { repoRoot } from './repo';
// A free host port, so Kafka can advertise the port it is published on.
import { freePort } from './service-process';
import type { StackSettings } from './types';

/** The project's own images of the stack, tagged by docker-compose.yml (`image:`). */
const IMAGES = {
  postgres: 'order-platform/postgres:local',
  kafka: 'order-platform/kafka:local',
  connect: 'order-platform/connect:local',
  registry: 'order-platform/registry:local',
  smtp: 'order-platform/smtp:local',
} as const;

/**
 * Builds the stack's images through docker-compose.yml (whichever compose answers) unless
 * the engine has them: nothing comes from a registry but the one base image.
 */
function ensureImages(root: string): void {
  const missing = Object.values(IMAGES).filter(
    (image) => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status !== 0,
  );
  if (missing.length === 0) return;
  process.stdout.write(`testcontainers: building ${missing.join(', ')} (scripts/compose.sh build)\n`);
  const built = spawnSync(
    join(root, 'scripts/compose.sh'),
    ['build', 'postgres', 'kafka', 'connect', 'apicurio', 'maildev'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (built.status !== 0)
    throw new Error(`testcontainers: building the stack images failed (exit ${built.status})`);
}

/**
 * The same components as docker-compose.yml, from the same images, as testcontainers.
 * Containers are started with reuse, so every package's test run in one `pnpm test:int`
 * shares one stack (set TESTCONTAINERS_REUSE_ENABLE=true; without it each vitest process
 * starts its own). No registry is reachable for testcontainers' own reaper image, so it is
 * switched off unless TESTCONTAINERS_RYUK_DISABLED says otherwise: remove the containers
 * by their label `org.testcontainers=true`.
 */
export async function startContainerStack(): Promise<StackSettings> {
  const root = repoRoot();
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  ensureImages(root);
  const network: StartedNetwork = await new Network().start();
  const kafkaHostPort = await freePort();
  // Fixed, as Kafka's: tests restart Connect's container, and a restarted container's
  // randomly mapped ports would change under the tests' feet.
  const connectHostPort = await freePort();

  const postgres = await new GenericContainer(IMAGES.postgres)
    .withNetwork(network)
    .withNetworkAliases('postgres')
    .withEnvironment({ POSTGRES_PASSWORD: 'postgres', POSTGRES_DB: 'platform' })
    .withCommand([
      'postgres',
      '-c',
      'wal_level=logical',
      '-c',
      'max_replication_slots=20',
      '-c',
      'max_wal_senders=20',
    ])
    .withCopyFilesToContainer([
      { source: join(root, 'infra/postgres/init.sql'), target: '/docker-entrypoint-initdb.d/init.sql' },
    ])
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    .withReuse()
    .start();

  const kafka = await new GenericContainer(IMAGES.kafka)
    .withNetwork(network)
    .withNetworkAliases('kafka')
    .withEnvironment({
      CLUSTER_ID: 'BLYU59LrSP2e60-8rmL2vA',
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'INTERNAL://:19092,HOST://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `INTERNAL://kafka:19092,HOST://127.0.0.1:${kafkaHostPort}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'INTERNAL:PLAINTEXT,HOST:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_LOG_DIRS: '/var/lib/kafka/data',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_TRANSACTION_ABORT_TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS: '2000',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withExposedPorts({ container: 9092, host: kafkaHostPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withReuse()
    .start();

  const registry = await new GenericContainer(IMAGES.registry)
    .withNetwork(network)
    .withNetworkAliases('registry')
    .withEnvironment({
      APICURIO_RULES_GLOBAL_COMPATIBILITY: 'BACKWARD',
      JAVA_OPTS_APPEND: '-Xmx384m -Dapicurio.rules.global.compatibility=BACKWARD',
    })
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
    .withReuse()
    .start();

  const connect = await new GenericContainer(IMAGES.connect)
    .withNetwork(network)
    .withNetworkAliases('connect')
    .withEnvironment({
      CONNECT_BOOTSTRAP_SERVERS: 'kafka:19092',
      CONNECT_GROUP_ID: 'order-platform-connect',
      CONNECT_CONFIG_STORAGE_TOPIC: 'connect-configs',
      CONNECT_OFFSET_STORAGE_TOPIC: 'connect-offsets',
      CONNECT_STATUS_STORAGE_TOPIC: 'connect-status',
      CONNECT_CONFIG_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_OFFSET_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_STATUS_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_KEY_CONVERTER: 'org.apache.kafka.connect.storage.StringConverter',
      CONNECT_VALUE_CONVERTER: 'org.apache.kafka.connect.json.JsonConverter',
      CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT: 'enabled',
      CONNECT_PRODUCER_TRANSACTION_TIMEOUT_MS: '15000',
      CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS: '5000',
      CONNECT_OFFSET_FLUSH_INTERVAL_MS: '1000',
      CONNECT_LISTENERS: 'http://0.0.0.0:8083',
      CONNECT_REST_ADVERTISED_HOST_NAME: 'connect',
      CONNECT_PLUGIN_DISCOVERY: 'service_load',
    })
    .withExposedPorts({ container: 8083, host: connectHostPort })
    .withWaitStrategy(Wait.forHttp('/connector-plugins', 8083))
    .withReuse()
    .start();

  const smtp = await new GenericContainer(IMAGES.smtp)
    .withNetwork(network)
    .withNetworkAliases('smtp')
    .withExposedPorts(1025, 1080)
    .withWaitStrategy(Wait.forHttp('/healthz', 1080))
    .withReuse()
    .start();

  const url = (c: StartedTestContainer, port: number) => `http://${c.getHost()}:${c.getMappedPort(port)}`;
  return {
    mode: 'testcontainers',
    kafkaBrokers: [`127.0.0.1:${kafkaHostPort}`],
    schemaRegistryUrl: `${url(registry, 8080)}/apis/ccompat/v7`,
    connectUrl: url(connect, 8083),
    postgres: { host: postgres.getHost(), port: postgres.getMappedPort(5432), database: 'platform' },
    postgresAdminUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getMappedPort(5432)}/platform`,
    connectDatabase: { host: 'postgres', port: 5432 },
    smtp: { host: smtp.getHost(), port: smtp.getMappedPort(1025), webUrl: url(smtp, 1080) },
    containers: {
      postgres: postgres.getId(),
      kafka: kafka.getId(),
      registry: registry.getId(),
      connect: connect.getId(),
      smtp: smtp.getId(),
    },
  };
}
