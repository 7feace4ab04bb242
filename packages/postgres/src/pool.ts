import { Client, Pool, type ClientConfig, type PoolConfig } from 'pg';

/** Where a lost connection is reported: any logger with pino's `warn(obj, msg)` shape (MessagingLogger, nestjs-pino). */
export interface PostgresLogger {
  warn(obj: object, msg?: string): void;
}

/** How the platform's Postgres connections are made: one set of timeouts for every pool and client. */
export interface PostgresSettings {
  connectionString: string;
  applicationName?: string;
  /** Longest any one statement may run before Postgres cancels it (statement_timeout). */
  statementTimeoutMs?: number;
  /** Longest a statement may wait for a lock (lock_timeout): a stuck lock fails fast and is retried. */
  lockTimeoutMs?: number;
  /** Longest a new connection may take, or a pool checkout may wait for one. */
  connectionTimeoutMs?: number;
  logger?: PostgresLogger;
}

export const POSTGRES_DEFAULTS = {
  statementTimeoutMs: 15_000,
  lockTimeoutMs: 5_000,
  connectionTimeoutMs: 3_000,
} as const;

function clientConfig(settings: PostgresSettings): ClientConfig {
  return {
    connectionString: settings.connectionString,
    ...(settings.applicationName ? { application_name: settings.applicationName } : {}),
    statement_timeout: settings.statementTimeoutMs ?? POSTGRES_DEFAULTS.statementTimeoutMs,
    lock_timeout: settings.lockTimeoutMs ?? POSTGRES_DEFAULTS.lockTimeoutMs,
    connectionTimeoutMillis: settings.connectionTimeoutMs ?? POSTGRES_DEFAULTS.connectionTimeoutMs,
    // A connection whose server vanished without a FIN (host down, network cut) is found
    // dead by TCP keepalive instead of hanging the next query until the OS gives up.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}

function logConnectionError(settings: PostgresSettings, error: Error): void {
  settings.logger?.warn(
    { error: error.message, application: settings.applicationName },
    'postgres connection lost; a new one is made on next use',
  );
}

/**
 * The one way the platform makes a `pg` pool. A Postgres restart makes every open
 * connection emit `error`; without a listener Node kills the process. Here the pool's
 * idle clients and checked-out clients alike only log it: the broken connection is
 * dropped, the query in flight fails (and is retried by its caller), and the pool opens
 * fresh connections once Postgres answers again.
 */
export function createPool(settings: PostgresSettings & { max?: number; idleTimeoutMs?: number }): Pool {
  const config: PoolConfig = {
    ...clientConfig(settings),
    max: settings.max ?? 10,
    idleTimeoutMillis: settings.idleTimeoutMs ?? 10_000,
  };
  const pool = new Pool(config);
  pool.on('error', (error) => logConnectionError(settings, error));
  pool.on('connect', (client) => client.on('error', (error) => logConnectionError(settings, error)));
  return pool;
}

/** A single connection with the same settings and error handling as createPool's (migrations use one). */
export function createClient(settings: PostgresSettings): Client {
  const client = new Client(clientConfig(settings));
  client.on('error', (error) => logConnectionError(settings, error));
  return client;
}
