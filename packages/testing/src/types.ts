export type StackMode = 'env' | 'native' | 'testcontainers';

/** Where the real infrastructure of this test run listens. Plain data: it crosses from vitest's global setup to the test workers. */
export interface StackSettings {
  mode: StackMode;
  kafkaBrokers: string[];
  /** Apicurio's Confluent-compatible API. */
  schemaRegistryUrl: string;
  connectUrl: string;
  postgres: { host: string; port: number; database: string };
  /** Superuser URL, for tests that create their own schemas, tables and publications. */
  postgresAdminUrl: string;
  /** How Debezium, from inside Kafka Connect, reaches the same Postgres. */
  connectDatabase: { host: string; port: number };
  smtp: { host: string; port: number; webUrl: string };
  /** Container ids by component, in testcontainers mode. */
  containers?: Record<string, string>;
}
