export interface BackoffSettings {
  /** Delay before the second attempt. */
  initialDelayMs: number;
  /** Upper bound of any one delay. */
  maxDelayMs: number;
  /** Growth per attempt. */
  factor: number;
}

/**
 * Exponential backoff with "full jitter": a random delay between half and all of the
 * exponential step, so instances that failed together do not retry together.
 */
export function backoffDelay(
  attempt: number,
  { initialDelayMs, maxDelayMs, factor }: BackoffSettings,
  random = Math.random,
): number {
  const step = Math.min(maxDelayMs, initialDelayMs * factor ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
