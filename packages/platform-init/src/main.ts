#!/usr/bin/env node
import { KafkaConnectClient } from '@order-platform/messaging';
import { z } from 'zod';
import { PLATFORM_CONNECTOR, platformOutboxConnector } from './platform';

const env = z
  .object({
    KAFKA_CONNECT_URL: z.url(),
    CONNECT_DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
    CONNECT_DATABASE_PORT: z.coerce.number().int().default(5432),
  })
  .parse(process.env);

async function main(): Promise<void> {
  const connect = new KafkaConnectClient(env.KAFKA_CONNECT_URL);
  await connect.putConnector(
    PLATFORM_CONNECTOR,
    platformOutboxConnector({ host: env.CONNECT_DATABASE_HOST, port: env.CONNECT_DATABASE_PORT }),
  );
  await connect.waitUntilRunning(PLATFORM_CONNECTOR, 120_000);
  process.stdout.write(`platform-init: connector ${PLATFORM_CONNECTOR} is RUNNING\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`platform-init failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
