import { z } from 'zod';

const hostPorts = z
  .string()
  .regex(/^[^\s:,]+:\d{1,5}(,[^\s:,]+:\d{1,5})*$/, 'expected host:port[,host:port…]');

/** Settings every service reads. A service extends this schema with its own. */
export const baseConfigSchema = z.object({
  SERVICE_NAME: z.string().min(1),
  PORT: z.coerce.number().int().min(1).max(65535),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/[^/]+\/[^/?]+/, 'expected postgres://user:password@host:port/database'),
  KAFKA_BROKERS: hostPorts,
  SCHEMA_REGISTRY_URL: z.url({ protocol: /^https?$/ }),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  /** Longest one SQL statement may run before Postgres cancels it; 0 = no limit. */
  PG_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(15_000),
  /** Longest a statement may wait for a row or table lock before it fails (and is retried). */
  PG_LOCK_TIMEOUT_MS: z.coerce.number().int().min(0).default(5_000),
  /** Longest a new Postgres connection, or a wait for a free one in the pool, may take. */
  PG_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).default(3_000),
  /** Connections in the service's pool. */
  PG_POOL_MAX: z.coerce.number().int().min(1).default(10),
  /** Deadline of one schema registry request. */
  SCHEMA_REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /**
   * How long a consumer that died without leaving (SIGKILL, crash) keeps its partitions
   * before the group hands them to the others or to its restarted self. Every single
   * handler step must end well within it (the runner heartbeats between steps).
   */
  KAFKA_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).max(300_000).default(10_000),
  /** How often housekeeping runs (inbox rows pruned); 0 = never. */
  HOUSEKEEPING_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
  /** Inbox rows younger than this are kept even below the committed offset (covers offset resets). */
  INBOX_RETENTION_MS: z.coerce.number().int().min(0).default(86_400_000),
});

export type BaseConfig = z.infer<typeof baseConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Validates the environment against a service's schema. Every missing or bad setting is
 * named in one error, so a misconfigured process stops at once and says why.
 */
export function loadConfig<S extends z.ZodType<object>>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const given = issue.path.length > 0 ? env[String(issue.path[0])] : undefined;
    return given === undefined || given === ''
      ? `${name}: missing (${issue.message})`
      : `${name}: ${issue.message} (got "${given}")`;
  });
  throw new ConfigError(problems);
}
