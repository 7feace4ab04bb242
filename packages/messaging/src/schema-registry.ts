import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

/**
 * The registry client for a Confluent-compatible API (Apicurio's /apis/ccompat/v7 here).
 * Made here, like the Kafka client, so that the client library stays behind this package.
 */
export function createSchemaRegistry(url: string): SchemaRegistry {
  return new SchemaRegistry({ host: url });
}

export type { SchemaRegistry };
