import { TOPICS } from '@order-platform/contracts';
import type { PlatformClient } from '@order-platform/e2e';
import type { KafkaClient } from '@order-platform/messaging';
import { kafkaCeiling, type KafkaCeiling } from '@order-platform/messaging/bench';
import { cdcCeiling, type CdcCeiling } from './ceilings/cdc-ceiling';
import { captureOrderSql, postgresOrderCeiling, type PostgresCeiling } from './ceilings/postgres-ceiling';
import { hopsOf } from './hops';
import { recordsOf } from './lifecycle';
import type { Pool } from 'pg';

export interface Ceilings {
  postgres?: PostgresCeiling;
  postgresError?: string;
  kafka?: KafkaCeiling;
  /** The Kafka ceiling in orders: produce and consume rates over an order's events and deliveries. */
  kafkaOrdersPerSecond?: number;
  kafkaError?: string;
  cdc?: CdcCeiling;
  cdcError?: string;
}

const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * This machine's limits, measured in the same run as the steps so that each step's figures
 * are ratios on the same hardware. One order is placed first (captured for pgbench, and
 * counted for the Kafka ceiling's message count, size and deliveries).
 */
export async function measureCeilings(options: {
  adminUrl: string;
  connectUrl: string;
  db: Pool;
  kafka: KafkaClient;
  client: PlatformClient;
  logFile: string;
  pgClients: number;
  pgSeconds: number;
  cdcRate: number;
  log: (line: string) => void;
}): Promise<Ceilings> {
  const { client, log } = options;
  const ceilings: Ceilings = {};
  let orderId: string | undefined;
  try {
    log('  capturing the SQL of one order …');
    const captured = await captureOrderSql({
      adminUrl: options.adminUrl,
      logFile: options.logFile,
      placeOrder: async () => {
        const id = await client.placeOrder({
          customerId: `bench-capture-${Date.now()}`,
          items: [{ sku: 'SKU-TEA-001', quantity: 1 }],
          paymentToken: 'tok_ok',
        });
        await client.waitForStatus(id, ['DELIVERED'], 120_000);
        // The last email and the view follow the delivery by a moment.
        await new Promise((r) => setTimeout(r, 3000));
        return id;
      },
    });
    orderId = captured.orderId;
    log(`  replaying it with pgbench (${options.pgClients} clients, ${options.pgSeconds} s) …`);
    ceilings.postgres = await postgresOrderCeiling({
      adminUrl: options.adminUrl,
      order: captured,
      clients: options.pgClients,
      seconds: options.pgSeconds,
    });
  } catch (error) {
    ceilings.postgresError = reason(error);
  }
  try {
    const hops = orderId ? hopsOf(await recordsOf(options.db, client, [orderId]), new Map()) : undefined;
    const events = hops?.eventsPerOrder || 13;
    const deliveries = hops?.deliveriesPerOrder || 40;
    log('  raw KafkaJS produce and consume …');
    ceilings.kafka = await kafkaCeiling({
      kafka: options.kafka,
      partitions: TOPICS[0]!.partitions,
      config: TOPICS[0]!.config,
      messageBytes: Math.round(hops?.eventBytes || 350),
      messages: 20_000,
    });
    ceilings.kafkaOrdersPerSecond = Math.min(
      ceilings.kafka.producePerSecond / events,
      ceilings.kafka.consumePerSecond / deliveries,
    );
  } catch (error) {
    ceilings.kafkaError = reason(error);
  }
  try {
    log(`  Debezium's lag for a bare insert loop at ${options.cdcRate} rows/s …`);
    const url = new URL(options.adminUrl);
    ceilings.cdc = await cdcCeiling({
      adminUrl: options.adminUrl,
      connectUrl: options.connectUrl,
      kafka: options.kafka,
      databaseHostForConnect: process.env.CONNECT_DATABASE_HOST ?? url.hostname,
      databasePortForConnect: Number(process.env.CONNECT_DATABASE_PORT ?? url.port ?? 5432),
      ratePerSecond: options.cdcRate,
      seconds: 10,
    });
  } catch (error) {
    ceilings.cdcError = reason(error);
  }
  return ceilings;
}
