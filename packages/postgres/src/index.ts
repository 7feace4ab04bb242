export {
  createClient,
  createPool,
  POSTGRES_DEFAULTS,
  type PostgresLogger,
  type PostgresSettings,
} from './pool';
export { withTransaction } from './transaction';
export { PgListener, type ListenerOptions } from './listener';
export { runMigrations, type Migration, type RunMigrationsOptions } from './migrations';
export { postgresOutageReason } from './connection-errors';
