import { describe, expect, it } from 'vitest';
import { decideHeal, type HealInput, type HealMemory, NO_HEALS } from './heal-escalation';

const THRESHOLD = 30_000;
const stalled = (at: number, over: Partial<HealInput> = {}): HealInput => ({
  at,
  stalled: true,
  healable: true,
  connectorMissing: false,
  canRecreate: true,
  restarting: false,
  tasksRunning: false,
  slot: { activePid: null, activePidIsWalsender: false },
  ...over,
});

/** Runs the decision once per check (every 5 s) from `from` to `to`, as the watch loop does. */
function run(memory: HealMemory, from: number, to: number, input: (at: number) => HealInput) {
  const actions: { at: number; kind: string }[] = [];
  for (let at = from; at <= to; at += 5000) {
    const next = decideHeal(memory, input(at), THRESHOLD);
    memory = next.memory;
    if (next.decision.action) actions.push({ at, kind: next.decision.action.kind });
  }
  return { memory, actions };
}

describe('decideHeal', () => {
  it('does nothing while CDC is not stalled, and forgets the last stall', () => {
    const { memory, decision } = decideHeal(
      { lastHealAt: 0, healsThisStall: 2 },
      { ...stalled(99_000), stalled: false },
      THRESHOLD,
    );
    expect(decision.action).toBeUndefined();
    expect(memory.healsThisStall).toBe(0);
  });

  it('ends the walsender that holds the slot of a stalled connector at once, one heal per threshold', () => {
    const zombie = { activePid: 4242, activePidIsWalsender: true };
    const { actions } = run(NO_HEALS, 0, 65_000, (at) => stalled(at, { slot: zombie }));
    expect(actions).toEqual([
      { at: 0, kind: 'terminate-walsender' },
      { at: 30_000, kind: 'terminate-walsender' },
      { at: 60_000, kind: 'terminate-walsender' },
    ]);
  });

  it('does not pile a restart on one under way, but ends the zombie the restarting task waits for', () => {
    const zombie = { activePid: 4242, activePidIsWalsender: true };
    const { actions } = run(NO_HEALS, 0, 30_000, (at) =>
      stalled(at, { restarting: at > 0, ...(at > 0 ? { slot: zombie } : {}) }),
    );
    expect(actions).toEqual([
      { at: 0, kind: 'restart-connector' },
      { at: 30_000, kind: 'terminate-walsender' },
    ]);
    const memory = { lastHealAt: 0, healsThisStall: 1 };
    const ending = decideHeal(memory, stalled(30_000, { slot: zombie, restarting: true }), THRESHOLD);
    expect(ending.decision.action).toEqual({ kind: 'terminate-walsender', pid: 4242, thenRestart: false });
    const nobody = decideHeal(memory, stalled(30_000, { restarting: true }), THRESHOLD);
    expect(nobody.decision).toEqual({ reason: 'a restart is under way' });
    const hung = decideHeal(memory, stalled(60_000, { restarting: true }), THRESHOLD);
    expect(hung.decision.action).toEqual({ kind: 'restart-connector' });
  });

  it('keeps restarting when nobody holds the slot', () => {
    const { actions } = run(NO_HEALS, 0, 60_000, (at) => stalled(at));
    expect(actions.map((a) => a.kind)).toEqual([
      'restart-connector',
      'restart-connector',
      'restart-connector',
    ]);
  });

  it('ends a backend holding the slot that is no walsender at once', () => {
    const { decision } = decideHeal(
      NO_HEALS,
      stalled(0, { slot: { activePid: 77, activePidIsWalsender: false } }),
      THRESHOLD,
    );
    expect(decision.action).toEqual({ kind: 'terminate-walsender', pid: 77, thenRestart: true });
  });

  it('re-creates a missing connector when its configuration is known, and only then', () => {
    expect(decideHeal(NO_HEALS, stalled(0, { connectorMissing: true }), THRESHOLD).decision.action).toEqual({
      kind: 'recreate-connector',
    });
    const unknown = decideHeal(
      NO_HEALS,
      stalled(0, { connectorMissing: true, canRecreate: false }),
      THRESHOLD,
    );
    expect(unknown.decision.action).toBeUndefined();
    expect(unknown.decision.reason).toMatch(/configuration is not known/);
  });

  it('leaves alone what no heal mends (a paused connector, a lost slot)', () => {
    const { decision } = decideHeal(NO_HEALS, stalled(0, { healable: false }), THRESHOLD);
    expect(decision.action).toBeUndefined();
  });

  it('waits a threshold after a heal even when a new stall begins at once', () => {
    let { memory } = decideHeal(NO_HEALS, stalled(0), THRESHOLD);
    memory = decideHeal(memory, { ...stalled(5000), stalled: false }, THRESHOLD).memory;
    const again = decideHeal(memory, stalled(10_000), THRESHOLD);
    expect(again.decision.action).toBeUndefined();
    expect(again.decision.reason).toMatch(/20 s more/);
    expect(decideHeal(memory, stalled(30_000), THRESHOLD).decision.action).toEqual({
      kind: 'restart-connector',
    });
  });

  it('gives a RUNNING task time to start after a heal before it is restarted again', () => {
    const zombie = { activePid: 4242, activePidIsWalsender: true };
    const first = decideHeal(NO_HEALS, stalled(0, { tasksRunning: true, slot: zombie }), THRESHOLD);
    expect(first.decision.action).toEqual({ kind: 'terminate-walsender', pid: 4242, thenRestart: true });
    const starting = decideHeal(first.memory, stalled(30_000, { tasksRunning: true }), THRESHOLD);
    expect(starting.decision.action).toBeUndefined();
    expect(starting.decision.reason).toMatch(/still starting/);
    const stuck = decideHeal(first.memory, stalled(40_000, { tasksRunning: true }), THRESHOLD);
    expect(stuck.decision.action).toEqual({ kind: 'restart-connector' });
  });
});
