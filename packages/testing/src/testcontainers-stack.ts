import { join } from 'node:path';
import {
  GenericContainer,
  Network,
  type StartedNetwork,
  type StartedTestContainer,
  Wait,
} from 'testcontainers';
import { componentVersions, repoRoot } from './repo';
// A free host port, so Kafka can advertise the port it is published on.
import { freePort } from './service-process';
import type { StackSettings } from './types';

/**
 * The same components as docker-compose.yml, as testcontainers. Containers are started
 * with reuse, so every package's test run in one `pnpm test:int` shares one stack (set
 * TESTCONTAINERS_REUSE_ENABLE=true; without it each vitest process starts its own).
 */
export async function startContainerStack(): Promise<StackSettings> {
  const v = componentVersions();
  const root = repoRoot();
  const network: StartedNetwork = await new Network().start();
  const kafkaHostPort = await freePort();

  const postgres = await new GenericContainer(`postgres:${v.POSTGRES_MAJOR}`)
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

  const kafka = await new GenericContainer(`apache/kafka:${v.KAFKA_VERSION}`)
    .withNetwork(network)
    .withNetworkAliases('kafka')
    .withEnvironment({
      KAFKA_NODE_ID: '1',
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_LISTENERS: 'INTERNAL://:19092,HOST://:9092,CONTROLLER://:9093',
      KAFKA_ADVERTISED_LISTENERS: `INTERNAL://kafka:19092,HOST://127.0.0.1:${kafkaHostPort}`,
      KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'INTERNAL:PLAINTEXT,HOST:PLAINTEXT,CONTROLLER:PLAINTEXT',
      KAFKA_INTER_BROKER_LISTENER_NAME: 'INTERNAL',
      KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@kafka:9093',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
      KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    })
    .withExposedPorts({ container: 9092, host: kafkaHostPort })
    .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
    .withReuse()
    .start();

  const registry = await new GenericContainer(`apicurio/apicurio-registry:${v.APICURIO_VERSION}`)
    .withNetwork(network)
    .withNetworkAliases('registry')
    .withEnvironment({ APICURIO_RULES_GLOBAL_COMPATIBILITY: 'BACKWARD' })
    .withExposedPorts(8080)
    .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
    .withReuse()
    .start();

  const connect = await new GenericContainer(`quay.io/debezium/connect:${v.DEBEZIUM_VERSION}`)
    .withNetwork(network)
    .withNetworkAliases('connect')
    .withEnvironment({
      BOOTSTRAP_SERVERS: 'kafka:19092',
      GROUP_ID: 'order-platform-connect',
      CONFIG_STORAGE_TOPIC: 'connect-configs',
      OFFSET_STORAGE_TOPIC: 'connect-offsets',
      STATUS_STORAGE_TOPIC: 'connect-status',
      CONFIG_STORAGE_REPLICATION_FACTOR: '1',
      OFFSET_STORAGE_REPLICATION_FACTOR: '1',
      STATUS_STORAGE_REPLICATION_FACTOR: '1',
      CONNECT_EXACTLY_ONCE_SOURCE_SUPPORT: 'enabled',
      CONNECT_SCHEDULED_REBALANCE_MAX_DELAY_MS: '5000',
      CONNECT_OFFSET_FLUSH_INTERVAL_MS: '1000',
    })
    .withExposedPorts(8083)
    .withWaitStrategy(Wait.forHttp('/connector-plugins', 8083))
    .withReuse()
    .start();

  const smtp = await new GenericContainer(`maildev/maildev:${v.MAILDEV_VERSION}`)
    .withNetwork(network)
    .withNetworkAliases('smtp')
    .withExposedPorts(1025, 1080)
    .withWaitStrategy(Wait.forHttp('/email', 1080))
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
