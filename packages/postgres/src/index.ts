export {
  createClient,
  createPool,
  POSTGRES_DEFAULTS,
  type PostgresLogger,
  type PostgresSettings,
} from './pool';
export { withTransaction } from './transaction';
export { runMigrations, type Migration, type RunMigrationsOptions } from './migrations';
export { postgresOutageReason } from './connection-errors';
