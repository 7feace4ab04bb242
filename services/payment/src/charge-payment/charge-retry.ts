import { backoffDelay } from '@order-platform/messaging';

export interface ChargeRetrySettings {
  /** Wait after the first failed attempt; it doubles per attempt. */
  initialDelayMs: number;
  /** Longest wait between two attempts. */
  maxDelayMs: number;
}

/**
 * How long a payment whose attempt failed waits before the next one. While the breaker is
 * open (`breakerRetryInMs`: the time left until it lets a trial call through) the payment
 * waits for exactly that, plus a jitter of up to one initial delay so the payments that
 * waited together do not all race for the one trial call. Otherwise it is the messaging
 * runtime's exponential backoff with jitter, capped at `maxDelayMs`.
 */
export function chargeRetryDelayMs(
  attempt: number,
  failure: { breakerRetryInMs?: number },
  settings: ChargeRetrySettings,
  random: () => number = Math.random,
): number {
  if (failure.breakerRetryInMs !== undefined)
    return failure.breakerRetryInMs + Math.round(random() * settings.initialDelayMs);
  return backoffDelay(attempt, { ...settings, factor: 2 }, random);
}
