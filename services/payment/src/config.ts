import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';

const millis = z.coerce.number().int().min(1);

export const configSchema = baseConfigSchema
  .extend({
    /** The payment provider's base URL (the simulator in development and tests). */
    PAYMENT_PROVIDER_URL: z.url({ protocol: /^https?$/ }),
    /** How long one charge call may take; keep it below the simulator's SLOW_DELAY_MS. */
    PAYMENT_TIMEOUT_MS: millis.default(1000),
    /** Consecutive failed calls (5xx, timeout, network) that open the circuit breaker. */
    PAYMENT_BREAKER_FAILURES: z.coerce.number().int().min(1).default(3),
    /** How long the open breaker refuses calls before it lets one trial call through (half-open). */
    PAYMENT_BREAKER_RESET_MS: millis.default(10_000),
    /** How often the charger looks for due payments. */
    PAYMENT_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(500),
    /**
     * How long a started charge attempt belongs to its instance; after that (the instance
     * died) another takes the payment over, asking the provider first. Must outlast a lookup
     * and a charge call: more than twice PAYMENT_TIMEOUT_MS.
     */
    PAYMENT_LEASE_MS: millis.default(15_000),
    /** Wait after a payment's first failed attempt (provider down, timeout); it doubles per attempt. */
    PAYMENT_CHARGE_RETRY_INITIAL_DELAY_MS: millis.default(500),
    /** Longest wait between two attempts of one payment. */
    PAYMENT_CHARGE_RETRY_MAX_DELAY_MS: millis.default(12_000),
    /**
     * From the order's validation (the OrderValidated's occurredAt) to giving its payment up:
     * a payment still uncharged then fails (PaymentFailed, PROVIDER_ERROR) and the order is cancelled.
     */
    PAYMENT_DEADLINE_MS: millis.default(600_000),
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
  })
  .refine((c) => c.PAYMENT_LEASE_MS > 2 * c.PAYMENT_TIMEOUT_MS, {
    path: ['PAYMENT_LEASE_MS'],
    message: 'must be more than twice PAYMENT_TIMEOUT_MS (a lookup and a charge call fit in one lease)',
  });

export type Config = z.infer<typeof configSchema>;
