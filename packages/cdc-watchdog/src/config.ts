// The config subpath alone: the package root would load Kafka clients this process never uses.
import { baseConfigSchema, loadConfig } from '@order-platform/service-kit/config';
import { PLATFORM_CONNECTOR, PLATFORM_SLOT } from '@order-platform/platform-init/platform';
import { z } from 'zod';

const base = baseConfigSchema.shape;
const ms = (fallback: number) => z.coerce.number().int().min(100).max(86_400_000).default(fallback);

/**
 * The watchdog's settings: the services' HTTP and logging settings (same names, same
 * rules), Kafka Connect, an admin connection to Postgres, and its own timings.
 */
export const configSchema = z
  .object({
    SERVICE_NAME: base.SERVICE_NAME.default('cdc-watchdog'),
    PORT: base.PORT.default(3006),
    HOST: base.HOST,
    LOG_LEVEL: base.LOG_LEVEL,
    SHUTDOWN_TIMEOUT_MS: base.SHUTDOWN_TIMEOUT_MS,
    KAFKA_CONNECT_URL: z.url({ protocol: /^https?$/ }),
    // Superuser for now: it reads pg_replication_slots and pg_stat_replication, ends the
    // connector's walsender and prunes every service's outbox (as that service's role).
    POSTGRES_ADMIN_URL: base.DATABASE_URL,
    /** Where Debezium reaches Postgres, for re-creating the platform's connector. */
    CONNECT_DATABASE_HOST: z.string().min(1).default('127.0.0.1'),
    CONNECT_DATABASE_PORT: z.coerce.number().int().min(1).max(65535).default(5432),
    CONNECTOR_NAME: z.string().min(1).default(PLATFORM_CONNECTOR),
    SLOT_NAME: z
      .string()
      .regex(/^[a-z0-9_]{1,63}$/, 'expected a replication slot name (a-z, 0-9, _)')
      .default(PLATFORM_SLOT),
    CDC_CHECK_INTERVAL_MS: ms(5000),
    CDC_STALL_THRESHOLD_MS: ms(30_000),
    /** Retained WAL that raises the warning (capped at half of max_slot_wal_keep_size when that is set). */
    CDC_WAL_WARNING_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(1024 ** 3),
    /** off: observe, report and log what it would do, but change nothing (Connect, walsenders). */
    CDC_HEALING: z.enum(['on', 'off'], { error: 'expected on or off' }).default('on'),
    OUTBOX_RETENTION_MS: ms(3_600_000),
    HOUSEKEEPING_INTERVAL_MS: ms(60_000),
  })
  .superRefine((c, ctx) => {
    // A stall must outlast a few checks, or one slow answer would count as one.
    if (c.CDC_STALL_THRESHOLD_MS < 2 * c.CDC_CHECK_INTERVAL_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['CDC_STALL_THRESHOLD_MS'],
        message: `${c.CDC_STALL_THRESHOLD_MS} must be at least twice CDC_CHECK_INTERVAL_MS (${c.CDC_CHECK_INTERVAL_MS})`,
      });
    }
    // Rows younger than the stall threshold are the evidence of a stall: never prune them.
    if (c.OUTBOX_RETENTION_MS <= c.CDC_STALL_THRESHOLD_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['OUTBOX_RETENTION_MS'],
        message: `${c.OUTBOX_RETENTION_MS} must be longer than CDC_STALL_THRESHOLD_MS (${c.CDC_STALL_THRESHOLD_MS})`,
      });
    }
  });

export type Config = z.infer<typeof configSchema>;

/** The project's one config loader: a bad setting throws a ConfigError that names it. */
export function loadWatchdogConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(configSchema, env);
}
