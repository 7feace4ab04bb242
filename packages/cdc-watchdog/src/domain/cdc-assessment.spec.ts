import { describe, expect, it } from 'vitest';
import { type Assessment, assessCdc, type ConditionClock, walWarningBytes } from './cdc-assessment';
import type { CdcObservation, ConnectorView, OutboxView, SlotView } from './cdc-observation';
import { type CaptureProgress, trackCapture } from './capture-progress';

const settings = { stallThresholdMs: 30_000, walWarningBytes: 1024 ** 3 };
const running: ConnectorView = { state: 'RUNNING', tasks: [{ id: 0, state: 'RUNNING' }] };
const streaming: SlotView = {
  active: true,
  activePid: 5103,
  activePidIsWalsender: true,
  confirmedFlushLsn: 0n,
  restartLsn: 0n,
  walStatus: 'reserved',
  safeWalSizeBytes: 2n * 1024n ** 3n,
  retainedWalBytes: 4096n,
};

interface Check {
  at: number;
  insertLsn: bigint;
  confirmed?: bigint;
  connector?: ConnectorView;
  slot?: Partial<SlotView> | 'missing';
  outbox?: OutboxView;
}

/** Feeds checks in order through the capture tracker and the assessment, as the watch loop does. */
function watch(checks: Check[]): Assessment[] {
  let progress: CaptureProgress = { samples: [] };
  let clock: ConditionClock = {};
  return checks.map((c) => {
    const slot =
      c.slot === 'missing' ? undefined : { ...streaming, confirmedFlushLsn: c.confirmed ?? 0n, ...c.slot };
    progress = trackCapture(
      progress,
      { at: c.at, insertLsn: c.insertLsn },
      slot?.confirmedFlushLsn ?? undefined,
    );
    const observation: CdcObservation = {
      at: c.at,
      connect: { reachable: true, value: 'connector' in c ? c.connector : running },
      database: {
        reachable: true,
        value: {
          insertLsn: c.insertLsn,
          slot,
          outbox: c.outbox ?? { waiting: 0 },
          maxSlotWalKeepBytes: null,
        },
      },
    };
    const next = assessCdc(observation, progress, clock, settings);
    clock = next.clock;
    return next.assessment;
  });
}

/** A healthy slot: the heartbeat every 5 s, confirmed one heartbeat later. */
const healthy = (from: number, to: number): Check[] => {
  const checks: Check[] = [];
  for (let at = from; at <= to; at += 5000)
    checks.push({ at, insertLsn: BigInt(at), confirmed: BigInt(at - 5000) });
  return checks;
};

describe('assessCdc', () => {
  it('is ok while the slot confirms the heartbeats, with rows in flight', () => {
    const results = watch(
      healthy(0, 120_000).map((c) => ({ ...c, outbox: { waiting: 3, oldestWaitingAt: c.at - 8000 } })),
    );
    expect(results.every((r) => r.status === 'ok' && r.ready)).toBe(true);
  });

  it('calls the zombie a stall: task RUNNING, slot held, confirmed_flush_lsn frozen, rows waiting', () => {
    const frozen = healthy(0, 20_000);
    for (let at = 25_000; at <= 60_000; at += 5000)
      frozen.push({
        at,
        insertLsn: BigInt(at),
        confirmed: 15_000n,
        outbox: { waiting: 4, oldestWaitingAt: 22_000 },
      });
    const results = watch(frozen);
    // confirmed_flush_lsn last moved at 20 s, so at 45 s it has stood for 25 s, at 50 s for 30.
    expect(results[9]!.status).toBe('ok');
    const at50 = results[10]!;
    expect(at50.status).toBe('stalled');
    expect(at50.stalls).toEqual(['no-progress']);
    expect(at50.healable).toBe(true);
    expect(at50.ready).toBe(false);
    const at55 = results[11]!;
    expect(at55.stalls).toEqual(expect.arrayContaining(['no-progress', 'rows-waiting']));
    expect(at55.reasons.join(' ')).toMatch(/4 outbox rows uncaptured, the oldest for 33 s/);
  });

  it('calls rows waiting while the slot moves on a backlog being caught up: degraded, not stalled', () => {
    const catchingUp = healthy(0, 60_000).map((c) => ({
      ...c,
      outbox: { waiting: 900, oldestWaitingAt: 0 },
    }));
    const results = watch(catchingUp);
    const last = results.at(-1)!;
    expect(last).toMatchObject({ status: 'degraded', ready: true, stalls: [] });
    expect(last.reasons).toEqual([
      '900 outbox rows uncaptured, the oldest for 60 s, while the slot moves on (catching up)',
    ]);
  });

  it('does not call an idle slot stalled: no WAL after confirmed_flush_lsn', () => {
    const idle = Array.from({ length: 20 }, (_, i) => ({ at: i * 5000, insertLsn: 100n, confirmed: 100n }));
    expect(watch(idle).every((r) => r.status === 'ok')).toBe(true);
  });

  it('counts a FAILED or UNASSIGNED task only once it has lasted the threshold', () => {
    const failing = healthy(0, 40_000).map((c) => ({
      ...c,
      connector: { state: 'RUNNING', tasks: [{ id: 0, state: c.at >= 5000 ? 'UNASSIGNED' : 'RUNNING' }] },
    }));
    const results = watch(failing);
    expect(results[1]!.status).toBe('degraded');
    expect(results[1]!.ready).toBe(true);
    expect(results[6]!.status).toBe('degraded');
    expect(results[7]!.status).toBe('stalled');
    expect(results[7]!.stalls).toEqual(['task-not-running']);
  });

  it('counts a missing connector and a missing or inactive slot', () => {
    const results = watch(
      healthy(0, 30_000).map((c) => ({ ...c, connector: undefined, slot: 'missing' as const })),
    );
    expect(results.at(-1)!.stalls).toEqual(['connector-missing', 'slot-missing']);
    const inactive = watch(
      healthy(0, 30_000).map((c) => ({ ...c, slot: { active: false, activePid: null } })),
    );
    expect(inactive.at(-1)!.stalls).toEqual(['slot-inactive']);
  });

  it('reports a paused connector and a lost slot as stalled but not healable', () => {
    const paused = watch(
      healthy(0, 5000).map((c) => ({
        ...c,
        connector: { state: 'PAUSED', tasks: [{ id: 0, state: 'PAUSED' }] },
      })),
    );
    expect(paused[0]!.status).toBe('stalled');
    expect(paused[0]!.healable).toBe(false);
    const lost = watch(healthy(0, 5000).map((c) => ({ ...c, slot: { walStatus: 'lost' } })));
    expect(lost[0]!.stalls).toEqual(['slot-lost']);
    expect(lost[0]!.healable).toBe(false);
  });

  it('fails readiness as degraded when retained WAL is over the warning', () => {
    const results = watch(
      healthy(0, 5000).map((c) => ({ ...c, slot: { retainedWalBytes: 2n * 1024n ** 3n } })),
    );
    expect(results[0]).toMatchObject({ status: 'degraded', ready: false, walOverWarning: true });
  });

  it('keeps a condition clock while its source does not answer, and says it cannot tell', () => {
    const progress: CaptureProgress = { samples: [] };
    const down: CdcObservation = {
      at: 40_000,
      connect: { reachable: false, error: 'connect ECONNREFUSED' },
      database: { reachable: false, error: 'connect ECONNREFUSED' },
    };
    const { assessment, clock } = assessCdc(down, progress, { 'connector-missing': 1000 }, settings);
    expect(assessment).toMatchObject({ status: 'unknown', ready: false });
    expect(clock['connector-missing']).toBe(1000);
  });
});

describe('walWarningBytes', () => {
  it('warns at the setting when WAL is unlimited, and by half of max_slot_wal_keep_size at the latest', () => {
    expect(walWarningBytes(1024 ** 3, null)).toBe(1024 ** 3);
    expect(walWarningBytes(1024 ** 3, 1024n ** 3n)).toBe(512 * 1024 ** 2);
    expect(walWarningBytes(100, 2048n * 1024n ** 2n)).toBe(100);
  });
});
