import type { CaptureProgress } from './capture-progress';

/**
 * How old an outbox row must be before housekeeping may delete it. Debezium reads rows
 * from the WAL, so deleting one never changes what is delivered; but a waiting row is the
 * watchdog's evidence of a stall, and a row is kept for inspection for the retention. So
 * only rows before the capture horizon (confirmed by the slot) go, and only while the slot
 * is current: never during a stall, never before anything is known to be confirmed. The
 * margin of one stall threshold covers the moments between the check and the DELETE.
 */
export function outboxPruneAge(input: {
  at: number;
  stalled: boolean;
  progress: CaptureProgress;
  retentionMs: number;
  stallThresholdMs: number;
}): { olderThanMs: number } | { skip: string } {
  const { at, progress, stallThresholdMs } = input;
  if (input.stalled) return { skip: 'CDC is stalled' };
  if (progress.horizon === undefined) return { skip: 'no outbox row is known to be captured yet' };
  if (progress.lastAdvanceAt === undefined || at - progress.lastAdvanceAt > stallThresholdMs) {
    return { skip: 'confirmed_flush_lsn is not current' };
  }
  return { olderThanMs: Math.max(input.retentionMs, at - progress.horizon.at + stallThresholdMs) };
}
