#!/usr/bin/env node
import { createKafka, KafkaConnectClient, parseBrokers } from '@order-platform/messaging';
import { commandSettings, runCommand } from '@order-platform/topology';
import { z } from 'zod';
import { PLATFORM_CONNECTOR, PLATFORM_HEARTBEAT_TOPIC, platformOutboxConnector } from './platform';
import { registerContracts } from './register-contracts';

/** Unset, each defaults to the native development stack's (compose sets them all). */
const settings = {
  KAFKA_BROKERS: z.string().refine(
    (value) => {
      try {
        return parseBrokers(value).length > 0;
      } catch {
        return false;
      }
    },
    { error: 'expected host:port[,host:port…]' },
  ),
  SCHEMA_REGISTRY_URL: z.url(),
  KAFKA_CONNECT_URL: z.url(),
  CONNECT_DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
  CONNECT_DATABASE_PORT: z.coerce.number().int().default(5432),
};

const log = (line: string) => process.stdout.write(`platform-init: ${line}\n`);

/**
 * Sets up a running stack for the platform, idempotently: every topic of the catalogue
 * with its partitions, every schema under its subject, Debezium's heartbeat topic, and the
 * outbox connector (created or updated, then waited on until it runs).
 */
async function main(): Promise<void> {
  const env = commandSettings(settings);
  const brokers = parseBrokers(env.KAFKA_BROKERS);

  const kafka = createKafka({ brokers, clientId: 'platform-init' });
  const result = await registerContracts({ registryUrl: env.SCHEMA_REGISTRY_URL, kafka, log });
  log(
    `${result.schemas.length} schemas registered, ${result.createdTopics.length} topics created, ${result.existingTopics.length} already there`,
  );

  const created = await kafka.withAdmin((admin) =>
    admin.ensureTopics([{ topic: PLATFORM_HEARTBEAT_TOPIC, partitions: 1 }]),
  );
  if (created.length > 0) log(`created ${PLATFORM_HEARTBEAT_TOPIC}`);

  const connect = new KafkaConnectClient(env.KAFKA_CONNECT_URL);
  await connect.putConnector(
    PLATFORM_CONNECTOR,
    platformOutboxConnector({ host: env.CONNECT_DATABASE_HOST, port: env.CONNECT_DATABASE_PORT }),
  );
  await connect.waitUntilRunning(PLATFORM_CONNECTOR, 120_000);
  log(`connector ${PLATFORM_CONNECTOR} is RUNNING`);
}

runCommand('platform-init', main);
