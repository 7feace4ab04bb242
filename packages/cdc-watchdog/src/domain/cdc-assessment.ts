import type { CaptureProgress } from './capture-progress';
import type { CdcObservation } from './cdc-observation';

/**
 * The stall decision, a pure function of what the checks saw. CDC is stalled when, for at
 * least the stall threshold:
 *   - the connector is missing, FAILED, or a task is not RUNNING (FAILED, UNASSIGNED, none);
 *   - the slot is missing or inactive (no walsender streams it);
 *   - or confirmed_flush_lsn has not moved while the WAL went on: Debezium's heartbeat
 *     confirms every few seconds, so a slot that stops moving is stuck, whatever Connect
 *     says, with or without outbox rows waiting (older than the capture horizon, see
 *     capture-progress.ts). This is the zombie: the task RUNNING, the slot held by a
 *     walsender that no task reads, nothing confirmed.
 * Rows waiting longer than the threshold while confirmed_flush_lsn moves are a backlog
 * being caught up: degraded (lagging), never restarted.
 * A PAUSED or STOPPED connector, or a slot that lost its WAL, is stalled too, but no restart
 * mends it: the heal decision leaves those alone. Retained WAL over the warning fails
 * readiness as "degraded" without being a stall.
 */
export type Condition =
  | 'connector-missing'
  | 'connector-failed'
  | 'task-not-running'
  | 'connector-paused'
  | 'slot-missing'
  | 'slot-inactive'
  | 'slot-lost'
  | 'rows-waiting'
  | 'no-progress';

/** Stall conditions that restarting, ending a walsender or re-creating can mend. */
const HEALABLE: ReadonlySet<Condition> = new Set([
  'connector-missing',
  'connector-failed',
  'task-not-running',
  'slot-missing',
  'slot-inactive',
  'rows-waiting',
  'no-progress',
]);

export interface AssessmentSettings {
  stallThresholdMs: number;
  walWarningBytes: number;
}

export interface Assessment {
  status: 'ok' | 'degraded' | 'stalled' | 'unknown';
  /** What /health/ready answers: false when stalled, unknown or over the WAL warning. */
  ready: boolean;
  /** Why, in words, for logs and readiness. */
  reasons: string[];
  /** The conditions that have lasted the threshold. */
  stalls: Condition[];
  healable: boolean;
  walWarningBytes: number;
  walOverWarning: boolean;
}

/** Since when each condition has held without a break. */
export type ConditionClock = Partial<Record<Condition, number>>;

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/** Warn well before Postgres invalidates the slot: at half of max_slot_wal_keep_size at most. */
export function walWarningBytes(configured: number, maxSlotWalKeepBytes: bigint | null): number {
  if (maxSlotWalKeepBytes === null || maxSlotWalKeepBytes < 0n) return configured;
  return Math.min(configured, Number(maxSlotWalKeepBytes / 2n));
}

export function assessCdc(
  observation: CdcObservation,
  progress: CaptureProgress,
  clock: ConditionClock,
  settings: AssessmentSettings,
): { assessment: Assessment; clock: ConditionClock } {
  const { at } = observation;
  const threshold = settings.stallThresholdMs;
  const next: ConditionClock = {};
  const reasons: string[] = [];
  const stalls: Condition[] = [];
  let pending = false;
  let unknown = false;

  // A condition counts once it has held for the threshold; before that it only degrades.
  const lasting = (condition: Condition, holds: boolean, words: string) => {
    if (!holds) return;
    const since = clock[condition] ?? at;
    next[condition] = since;
    if (at - since >= threshold) {
      stalls.push(condition);
      reasons.push(`${words} for ${seconds(at - since)}`);
    } else {
      pending = true;
      reasons.push(`${words} (${seconds(at - since)} so far)`);
    }
  };
  // Conditions a source could not be asked about keep their clocks: an unreachable Connect
  // does not make a missing connector any less missing.
  const carry = (conditions: Condition[]) => {
    for (const c of conditions) if (clock[c] !== undefined) next[c] = clock[c];
  };

  if (observation.connect.reachable) {
    const connector = observation.connect.value;
    const states = connector ? [connector.state, ...connector.tasks.map((t) => t.state)] : [];
    const paused = connector !== undefined && ['PAUSED', 'STOPPED'].includes(connector.state);
    lasting('connector-missing', connector === undefined, 'the connector does not exist');
    lasting('connector-failed', states.includes('FAILED'), `the connector or a task is FAILED`);
    lasting(
      'task-not-running',
      connector !== undefined &&
        !paused &&
        !states.includes('FAILED') &&
        (connector.tasks.length === 0 || states.some((s) => s !== 'RUNNING')),
      `not every task is RUNNING (${states.join(', ') || 'no tasks'})`,
    );
    if (paused) {
      next['connector-paused'] = clock['connector-paused'] ?? at;
      stalls.push('connector-paused');
      reasons.push(`the connector is ${connector.state} (an operator's doing; not healed)`);
    }
  } else {
    unknown = true;
    reasons.push(`Kafka Connect does not answer: ${observation.connect.error}`);
    carry(['connector-missing', 'connector-failed', 'task-not-running', 'connector-paused']);
  }

  let walOverWarning = false;
  let warning = settings.walWarningBytes;
  if (observation.database.reachable) {
    const db = observation.database.value;
    const slot = db.slot;
    lasting('slot-missing', slot === undefined, 'the replication slot does not exist');
    lasting('slot-inactive', slot !== undefined && !slot.active, 'no walsender streams the slot');
    if (slot?.walStatus === 'lost') {
      stalls.push('slot-lost');
      reasons.push('the slot lost WAL it needed (wal_status lost): it must be re-created, not healed');
    }
    const confirmed = progress.confirmedFlushLsn;
    const still = progress.lastAdvanceAt === undefined ? 0 : at - progress.lastAdvanceAt;
    const frozen =
      slot !== undefined && confirmed !== undefined && db.insertLsn > confirmed && still >= threshold;
    if (frozen) {
      stalls.push('no-progress');
      reasons.push(
        `confirmed_flush_lsn has not moved for ${seconds(still)} while ${db.insertLsn - confirmed} bytes of WAL followed`,
      );
    }
    const waitingAt = db.outbox?.oldestWaitingAt;
    if (db.outbox && waitingAt !== undefined && at - waitingAt >= threshold) {
      const words = `${db.outbox.waiting} outbox rows uncaptured, the oldest for ${seconds(at - waitingAt)}`;
      // Rows waiting while the slot moves on is Debezium catching up on a backlog: a
      // restart would only set it back. Lagging, not stalled.
      if (frozen) stalls.push('rows-waiting');
      else pending = true;
      reasons.push(frozen ? words : `${words}, while the slot moves on (catching up)`);
    }
    warning = walWarningBytes(settings.walWarningBytes, db.maxSlotWalKeepBytes);
    const retained = slot?.retainedWalBytes ?? null;
    if (retained !== null && retained >= BigInt(warning)) {
      walOverWarning = true;
      reasons.push(`the slot retains ${retained} bytes of WAL, over the warning at ${warning}`);
    }
  } else {
    unknown = true;
    reasons.push(`Postgres does not answer: ${observation.database.error}`);
    carry(['slot-missing', 'slot-inactive']);
  }

  const stalled = stalls.length > 0;
  const status = stalled ? 'stalled' : unknown ? 'unknown' : walOverWarning || pending ? 'degraded' : 'ok';
  return {
    clock: next,
    assessment: {
      status,
      ready: !stalled && !unknown && !walOverWarning,
      reasons,
      stalls,
      healable:
        stalls.some((c) => HEALABLE.has(c)) &&
        !stalls.includes('connector-paused') &&
        !stalls.includes('slot-lost'),
      walWarningBytes: warning,
      walOverWarning,
    },
  };
}
