/**
 * What to do about a stall, a pure function. The ladder, one rung per stall threshold at
 * most (a heal needs time to show, and restarting Connect every few seconds would keep
 * the task from ever getting the slot):
 *   - the connector is missing: re-create it from its known configuration;
 *   - the slot is held while nothing moves (by a pid that is no walsender, or by a
 *     walsender): that walsender belongs to a task that is gone (the zombie of a task that
 *     "failed to properly shut down"), so end it (pg_terminate_backend) and restart. It is
 *     the first rung, not the second: a restart alone never frees a zombie's slot, and
 *     waiting one more threshold for it to fail would keep CDC stalled past 60 s. Should
 *     the holder have been a live task, ending it costs that task one reconnect;
 *   - otherwise restart the connector and all of its tasks.
 * A restart already under way (a task RESTARTING) is not piled on: Debezium's task may sit
 * in its start-up, retrying the slot every slot.retry.delay.ms, and a second restart only
 * makes Connect give up on that task ("failed to properly shut down") and start another.
 * Ending the zombie is enough then: the retrying task takes the slot on its next try. Only
 * when a restart has hung for two thresholds is it restarted again.
 */
export type HealAction =
  | { kind: 'recreate-connector' }
  | { kind: 'restart-connector' }
  | { kind: 'terminate-walsender'; pid: number; thenRestart: boolean };

export type HealKind = HealAction['kind'];
export const HEAL_KINDS: readonly HealKind[] = [
  'recreate-connector',
  'restart-connector',
  'terminate-walsender',
];

export interface HealMemory {
  /** When the last heal ran, in any stall. */
  readonly lastHealAt?: number;
  /** Heals run since the current stall began. */
  readonly healsThisStall: number;
}

export interface HealInput {
  at: number;
  stalled: boolean;
  healable: boolean;
  connectorMissing: boolean;
  /** A configuration to re-create the connector from is known. */
  canRecreate: boolean;
  /** The connector or a task is RESTARTING. */
  restarting: boolean;
  /** The connector and every one of its tasks (at least one) are RUNNING. */
  tasksRunning: boolean;
  slot?: { activePid: number | null; activePidIsWalsender: boolean };
}

export interface HealDecision {
  action?: HealAction;
  reason: string;
}

export const NO_HEALS: HealMemory = { healsThisStall: 0 };

/**
 * How long a RUNNING task may take to start streaming after a heal before it is restarted
 * again: a restarted task needs some seconds to take the slot, and a restart inside that
 * time only makes one more task that "didn't stop in the expected time".
 */
export const TASK_START_GRACE_MS = 40_000;

export function decideHeal(
  memory: HealMemory,
  input: HealInput,
  stallThresholdMs: number,
): { memory: HealMemory; decision: HealDecision } {
  if (!input.stalled)
    return { memory: { ...memory, healsThisStall: 0 }, decision: { reason: 'not stalled' } };
  const wait = (reason: string) => ({ memory, decision: { reason } });
  if (!input.healable) return wait('stalled in a way no heal mends');
  if (memory.lastHealAt !== undefined && input.at - memory.lastHealAt < stallThresholdMs) {
    const left = Math.ceil((stallThresholdMs - (input.at - memory.lastHealAt)) / 1000);
    return wait(`giving the last heal time to work (${left} s more)`);
  }
  const healed = (action: HealAction, reason: string) => ({
    memory: { lastHealAt: input.at, healsThisStall: memory.healsThisStall + 1 },
    decision: { action, reason },
  });
  if (input.connectorMissing) {
    if (!input.canRecreate) return wait('the connector is missing and its configuration is not known');
    return healed({ kind: 'recreate-connector' }, 'the connector is missing');
  }
  const pid = input.slot?.activePid ?? null;
  const restartHung = memory.lastHealAt === undefined || input.at - memory.lastHealAt >= 2 * stallThresholdMs;
  const thenRestart = !input.restarting || restartHung;
  if (pid !== null && !input.slot!.activePidIsWalsender) {
    return healed(
      { kind: 'terminate-walsender', pid, thenRestart },
      `the slot is held by pid ${pid}, which is not a walsender`,
    );
  }
  if (pid !== null) {
    return healed(
      { kind: 'terminate-walsender', pid, thenRestart },
      `the slot is held by walsender ${pid} while nothing moves: a stale walsender`,
    );
  }
  if (input.restarting && !restartHung) return wait('a restart is under way');
  if (
    input.tasksRunning &&
    memory.lastHealAt !== undefined &&
    input.at - memory.lastHealAt < TASK_START_GRACE_MS
  )
    return wait('the running task is still starting');
  return healed({ kind: 'restart-connector' }, 'the connector and its tasks are restarted');
}
