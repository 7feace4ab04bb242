/** Restart delays: 0.5 s doubling to 30 s; a process that stayed up 60 s starts over. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Uptime after which the next crash counts as the first again. */
  readonly resetAfterMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

/** The delay before restart number `attempt` (1 = the first restart after a crash). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = defaultBackoff): number {
  if (!Number.isInteger(attempt) || attempt < 1)
    throw new Error(`attempt must be a positive integer, not ${attempt}`);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 30));
}

/** The crash streak after a process that ran `uptimeMs` exited: reset when it ran long enough. */
export function nextAttempt(
  previousAttempt: number,
  uptimeMs: number,
  policy: BackoffPolicy = defaultBackoff,
): number {
  return uptimeMs >= policy.resetAfterMs ? 1 : previousAttempt + 1;
}
