import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';

const millis = z.coerce.number().int().min(1);

export const configSchema = baseConfigSchema.extend({
  /** The payment provider's base URL (the simulator in development and tests). */
  PAYMENT_PROVIDER_URL: z.url({ protocol: /^https?$/ }),
  /** How long one charge call may take; keep it below the simulator's SLOW_DELAY_MS. */
  PAYMENT_TIMEOUT_MS: millis.default(1000),
  /** Consecutive failed calls (5xx, timeout, network) that open the circuit breaker. */
  PAYMENT_BREAKER_FAILURES: z.coerce.number().int().min(1).default(3),
  /** How long the open breaker refuses calls before it lets one trial call through (half-open). */
  PAYMENT_BREAKER_RESET_MS: millis.default(10_000),
  /** Tries of a message in process, the first included, before it moves to a retry topic. */
  PAYMENT_RETRY_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  /** Backoff before the first in-process retry; it doubles up to PAYMENT_RETRY_MAX_DELAY_MS. */
  PAYMENT_RETRY_INITIAL_DELAY_MS: millis.default(200),
  PAYMENT_RETRY_MAX_DELAY_MS: millis.default(2000),
  /** One retry topic per entry, with how long its messages wait (comma-separated milliseconds). */
  PAYMENT_RETRY_TOPIC_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'expected comma-separated milliseconds, e.g. 2000,10000,60000')
    .default('2000,10000,60000')
    .transform((list) => list.split(',').map(Number)),
});

export type Config = z.infer<typeof configSchema>;
