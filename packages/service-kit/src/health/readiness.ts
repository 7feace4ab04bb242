import type { RunnerStatus } from '@order-platform/messaging';
import type { MessagingState } from '../messaging/messaging.lifecycle';

export interface ReadinessInput {
  database: { status: 'up' | 'down'; error?: string };
  kafka: { status: 'up' | 'down'; error?: string };
  messaging: MessagingState;
  runners: Record<string, RunnerStatus>;
}

export interface Readiness {
  /** ok and degraded answer 200; unavailable answers 503. */
  status: 'ok' | 'degraded' | 'unavailable';
  reasons: string[];
}

/**
 * Readiness tells the truth: unavailable when the database or Kafka does not answer,
 * messaging has not started, or a consumer group is not consuming (its consumer crashed
 * and is being restarted, or it stopped); degraded, with the reason, when a group is
 * consuming but holds partitions until a dependency answers.
 */
export function readiness({ database, kafka, messaging, runners }: ReadinessInput): Readiness {
  const down: string[] = [];
  const degraded: string[] = [];
  if (database.status === 'down') down.push(`database: ${database.error ?? 'down'}`);
  if (kafka.status === 'down') down.push(`kafka: ${kafka.error ?? 'down'}`);
  if (messaging.status === 'starting')
    down.push(`messaging starting${messaging.lastError ? `: ${messaging.lastError}` : ''}`);
  if (messaging.status === 'stopped') down.push('messaging stopped');
  for (const [groupId, runner] of Object.entries(runners)) {
    if (runner.status === 'waiting')
      degraded.push(`${groupId}: waiting for ${runner.dependency}: ${runner.reason}`);
    else if (runner.status === 'restarting')
      down.push(
        `${groupId}: not consuming, restarting its consumer (attempt ${runner.attempt}): ${runner.reason}`,
      );
    else if (runner.status !== 'running') down.push(`${groupId}: ${runner.status}`);
  }
  if (down.length > 0) return { status: 'unavailable', reasons: [...down, ...degraded] };
  if (degraded.length > 0) return { status: 'degraded', reasons: degraded };
  return { status: 'ok', reasons: [] };
}
