import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';

type RegistryMiddleware = NonNullable<ConstructorParameters<typeof SchemaRegistry>[0]['middlewares']>[number];

/**
 * Gives every registry request a deadline (mappersmith's per-request `timeout`): a registry
 * that accepts connections but never answers must not hang a consumer. A timed-out request
 * fails with "Timeout (<ms>ms)", which the runner counts as the registry being unavailable.
 */
function requestTimeout(timeoutMs: number): RegistryMiddleware {
  return () => ({
    prepareRequest: (next) => next().then((request) => request.enhance({ timeout: timeoutMs })),
  });
}

export interface SchemaRegistryOptions {
  /** Deadline of one registry request; default 5000 ms. */
  timeoutMs?: number;
}

/**
 * The registry client for a Confluent-compatible API (Apicurio's /apis/ccompat/v7 here).
 * Made here, like the Kafka client, so that the client library stays behind this package.
 */
export function createSchemaRegistry(url: string, options: SchemaRegistryOptions = {}): SchemaRegistry {
  return new SchemaRegistry({ host: url, middlewares: [requestTimeout(options.timeoutMs ?? 5_000)] });
}

export type { SchemaRegistry };
