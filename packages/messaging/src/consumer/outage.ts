import type { MessagingLogger } from '../kafka-client';
import { backoffDelay } from './backoff';

export interface DependencyWait {
  dependency: string;
  reason: string;
  /** Epoch ms when the runner began waiting. */
  since: number;
}

/** How long to wait before the n-th retry of a held message: quick at first, at most ~5 s. */
export function holdDelay(round: number, random = Math.random): number {
  return backoffDelay(round, { initialDelayMs: 200, maxDelayMs: 5_000, factor: 2 }, random);
}

/**
 * The partitions a runner holds because a dependency is down, keyed by topic-partition.
 * Logs once when a wait begins or its reason changes and once when it ends, not on
 * every retry, and tells readiness what the runner is waiting for.
 */
export class OutageBoard {
  private readonly waits = new Map<string, DependencyWait>();

  constructor(
    private readonly groupId: string,
    private readonly logger?: MessagingLogger,
  ) {}

  hold(key: string, dependency: string, reason: string): void {
    const current = this.waits.get(key);
    if (current?.dependency === dependency && current.reason === reason) return;
    this.waits.set(key, { dependency, reason, since: current?.since ?? Date.now() });
    this.logger?.warn(
      { groupId: this.groupId, partition: key, dependency, reason },
      `waiting for ${dependency}; holding the partition`,
    );
  }

  /** Ends a wait: `resumed` when the dependency answered, false when the partition was given up. */
  release(key: string, resumed = true): void {
    const current = this.waits.get(key);
    if (!current) return;
    this.waits.delete(key);
    if (!resumed) return;
    this.logger?.info(
      {
        groupId: this.groupId,
        partition: key,
        dependency: current.dependency,
        waitedMs: Date.now() - current.since,
      },
      `${current.dependency} answers again; partition resumed`,
    );
  }

  clear(): void {
    this.waits.clear();
  }

  /** The longest-running wait, if any partition is held. */
  get current(): DependencyWait | undefined {
    let oldest: DependencyWait | undefined;
    for (const wait of this.waits.values()) if (!oldest || wait.since < oldest.since) oldest = wait;
    return oldest;
  }
}
