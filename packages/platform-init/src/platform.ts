import {
  heartbeatTopic,
  outboxConnectorConfig,
  type OutboxConnectorOptions,
} from '@order-platform/messaging';

/** The services that write an outbox, with the Postgres schema (and role) each owns. */
export const SERVICE_SCHEMAS = {
  basket: 'basket',
  order: 'orders',
  payment: 'payment',
  shipping: 'shipping',
  email: 'email',
} as const;

export const PLATFORM_CONNECTOR = 'order-platform-outbox';
/** The connector's replication slot (the cdc-watchdog watches it). */
export const PLATFORM_SLOT = 'order_platform_outbox';
const TOPIC_PREFIX = 'order-platform';
export const PLATFORM_HEARTBEAT_TOPIC = heartbeatTopic(TOPIC_PREFIX);

/** The platform's one outbox connector: every service's outbox table, one slot, one publication (infra/postgres/init.sql). */
export function platformOutboxConnector(db: { host: string; port: number }): Record<string, string> {
  const options: OutboxConnectorOptions = {
    name: PLATFORM_CONNECTOR,
    databaseHost: db.host,
    databasePort: db.port,
    databaseName: 'platform',
    databaseUser: 'debezium',
    databasePassword: 'debezium',
    slotName: PLATFORM_SLOT,
    publicationName: 'outbox_publication',
    tables: Object.values(SERVICE_SCHEMAS).map((schema) => `${schema}.outbox`),
    topicPrefix: TOPIC_PREFIX,
    heartbeatTable: 'cdc.heartbeat',
  };
  return outboxConnectorConfig(options);
}
