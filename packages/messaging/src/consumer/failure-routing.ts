import { postgresOutageReason } from '@order-platform/postgres';
import { DependencyUnavailableError, isPermanent } from './errors';

/**
 * Where in handling a message the failure came from: reading it (registry), the runner's
 * own Postgres work (checkout, begin, inbox rows, commit), or the handler.
 */
export type FailureStage = 'decode' | 'database' | 'handler';

export interface FailureInput {
  stage: FailureStage;
  error: unknown;
  /** The try within this delivery round that failed, from 1. */
  attempt: number;
  /** Tries allowed in process (the first included). */
  inProcessAttempts: number;
  /** The round the message is in: 0 = the original topic, n = retry topic n. */
  level: number;
  /** The delay of each retry topic; their count is the number of retry rounds. */
  retryTopicDelaysMs: readonly number[];
}

export type FailureRoute =
  /** A dependency is down: not an attempt; hold the partition and try the same message again. */
  | { kind: 'hold'; dependency: string; reason: string }
  /** Try again here after a backoff. */
  | { kind: 'retry-here' }
  /** Park in retry topic `level`, due after `delayMs`. */
  | { kind: 'retry-topic'; level: number; delayMs: number }
  /** Out of rounds, or a failure no retry can cure. */
  | { kind: 'dead-letter'; permanent: boolean };

/** The outage `error` reports, if it reports one (see FailureStage for why the stage matters). */
export function dependencyOutage(
  stage: FailureStage,
  error: unknown,
): { dependency: string; reason: string } | undefined {
  if (error instanceof DependencyUnavailableError) {
    const prefix = `${error.dependency} unavailable: `;
    const reason = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return { dependency: error.dependency, reason };
  }
  if (stage === 'decode') return undefined;
  const reason = postgresOutageReason(error, stage === 'database');
  return reason === undefined ? undefined : { dependency: 'postgres', reason };
}

/**
 * Decides what happens to a message whose handling failed. Outage ≠ poison: a dependency
 * being down holds the message without spending its retries; a permanent failure goes to
 * the dead-letter topic at once; anything else retries in process, then climbs the retry
 * topics, then dead-letters.
 */
export function routeFailure(input: FailureInput): FailureRoute {
  const outage = dependencyOutage(input.stage, input.error);
  if (outage) return { kind: 'hold', ...outage };
  if (isPermanent(input.error)) return { kind: 'dead-letter', permanent: true };
  if (input.attempt < input.inProcessAttempts) return { kind: 'retry-here' };
  const next = input.level + 1;
  const delayMs = input.retryTopicDelaysMs[next - 1];
  if (delayMs === undefined) return { kind: 'dead-letter', permanent: false };
  return { kind: 'retry-topic', level: next, delayMs };
}
