import { commandSettings } from '@order-platform/topology';
import { z } from 'zod';
import { createKafka, createSchemaRegistry, migrateMessaging, parseBrokers } from '@order-platform/messaging';
import { createPool, runMigrations } from '@order-platform/postgres';
import { migrations } from '../db/migrations';
import type { ReplayDependencies } from '../replay/replay';

/**
 * The replay's connections, from the service's own settings (DATABASE_URL, KAFKA_BROKERS,
 * SCHEMA_REGISTRY_URL); unset, they default to the native development stack (./dev up),
 * whose ports PG_PORT, KAFKA_PORT and REGISTRY_PORT may move.
 */
export function replayDependencies(
  env: NodeJS.ProcessEnv,
  connections: number,
): ReplayDependencies & { migrate(): Promise<void>; close(): Promise<void> } {
  const settings = commandSettings(
    { DATABASE_URL: z.url(), KAFKA_BROKERS: z.string(), SCHEMA_REGISTRY_URL: z.url() },
    { as: 'views', env },
  );
  const databaseUrl = settings.DATABASE_URL;
  const brokers = settings.KAFKA_BROKERS;
  const registryUrl = settings.SCHEMA_REGISTRY_URL;
  // A rebuild's bulk statements and its swap's locks may take long: no statement or lock
  // timeout here, only the platform's connection handling (a Postgres restart is logged,
  // not fatal).
  const pool = createPool({
    connectionString: databaseUrl,
    applicationName: 'views-replay',
    max: connections,
    statementTimeoutMs: 0,
    lockTimeoutMs: 0,
  });
  const kafka = createKafka({ brokers: parseBrokers(brokers), clientId: 'views-replay' });
  return {
    pool,
    kafka,
    registry: createSchemaRegistry(registryUrl),
    // The service's own migrations, as its start runs them: a replay may come first.
    migrate: async () => {
      await migrateMessaging({ databaseUrl });
      await runMigrations({ databaseUrl, migrations, ledger: 'service_migrations' });
    },
    close: () => pool.end(),
  };
}
