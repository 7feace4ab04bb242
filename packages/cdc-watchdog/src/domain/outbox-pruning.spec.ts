import { describe, expect, it } from 'vitest';
import { outboxPruneAge } from './outbox-pruning';

const base = {
  at: 100_000,
  stalled: false,
  retentionMs: 3_600_000,
  stallThresholdMs: 30_000,
  progress: { samples: [], horizon: { at: 95_000, insertLsn: 10n }, lastAdvanceAt: 96_000, startedAt: 0 },
};

describe('outboxPruneAge', () => {
  it('prunes rows older than the retention while the slot is current', () => {
    expect(outboxPruneAge(base)).toEqual({ olderThanMs: 3_600_000 });
  });

  it('never prunes past the capture horizon, whatever the retention', () => {
    const behind = {
      ...base,
      retentionMs: 40_000,
      progress: { ...base.progress, horizon: { at: 20_000, insertLsn: 1n } },
    };
    expect(outboxPruneAge(behind)).toEqual({ olderThanMs: 80_000 + 30_000 });
  });

  it('skips while stalled, before anything is confirmed, and when confirmed_flush_lsn stands still', () => {
    expect(outboxPruneAge({ ...base, stalled: true })).toEqual({ skip: 'CDC is stalled' });
    expect(
      outboxPruneAge({ ...base, progress: { samples: [], startedAt: 0, lastAdvanceAt: 96_000 } }),
    ).toHaveProperty('skip');
    expect(outboxPruneAge({ ...base, progress: { ...base.progress, lastAdvanceAt: 60_000 } })).toEqual({
      skip: 'confirmed_flush_lsn is not current',
    });
  });
});
