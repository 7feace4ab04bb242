// The config subpath alone: the package root would load Postgres and Kafka clients too.
import { baseConfigSchema, loadConfig } from '@order-platform/service-kit/config';
import { z } from 'zod';

const base = baseConfigSchema.shape;

/**
 * The simulator's settings: the services' HTTP and logging settings (same names, same
 * rules), without a database or Kafka, plus its own.
 */
export const configSchema = z.object({
  SERVICE_NAME: base.SERVICE_NAME.default('payment-provider'),
  PORT: base.PORT.default(3099),
  HOST: base.HOST,
  LOG_LEVEL: base.LOG_LEVEL,
  SHUTDOWN_TIMEOUT_MS: base.SHUTDOWN_TIMEOUT_MS,
  /** How late tok_slow answers an order's first attempt; set it above the client's timeout. */
  SLOW_DELAY_MS: z.coerce.number().int().min(0).max(600_000).default(3000),
  /**
   * How long an idempotency key is remembered after its first use; unset: for ever. Set it
   * to prove a client stays correct when the provider forgets its keys.
   */
  IDEMPOTENCY_KEY_TTL_MS: z.coerce.number().int().min(1).optional(),
  /** DELETE /charges wipes the ledger: for tests and local runs only. */
  ALLOW_RESET: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .default('false')
    .transform((value) => value === 'true'),
});

export type Config = z.infer<typeof configSchema>;

/** The project's one config loader: a bad setting throws a ConfigError that names it. */
export function loadProviderConfig(env: Record<string, string | undefined> = process.env): Config {
  return loadConfig(configSchema, env);
}
