import { describe, expect, it } from 'vitest';
import { type CaptureProgress, trackCapture, waitingSince } from './capture-progress';
import { parseLsn } from './lsn';

const start: CaptureProgress = { samples: [] };

describe('parseLsn', () => {
  it('reads both halves of a pg_lsn', () => {
    expect(parseLsn('0/1E86CD0')).toBe(0x1e86cd0n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
  });

  it('refuses what is not a pg_lsn', () => {
    expect(() => parseLsn('1E86CD0')).toThrow(/not a pg_lsn/);
  });
});

describe('trackCapture', () => {
  it('moves the horizon to the newest sample the slot has confirmed', () => {
    let p = trackCapture(start, { at: 1000, insertLsn: 100n }, 90n);
    expect(p.horizon).toBeUndefined();
    expect(waitingSince(p)).toBe(1000);
    p = trackCapture(p, { at: 2000, insertLsn: 200n }, 150n);
    expect(p.horizon).toEqual({ at: 1000, insertLsn: 100n });
    p = trackCapture(p, { at: 3000, insertLsn: 300n }, 300n);
    expect(p.horizon).toEqual({ at: 3000, insertLsn: 300n });
    expect(p.samples).toEqual([]);
    expect(waitingSince(p)).toBe(3000);
  });

  it('keeps the horizon and the last advance while confirmed_flush_lsn stands still', () => {
    let p = trackCapture(start, { at: 1000, insertLsn: 100n }, 100n);
    p = trackCapture(p, { at: 2000, insertLsn: 200n }, 150n);
    for (let at = 3000; at <= 60_000; at += 1000) p = trackCapture(p, { at, insertLsn: BigInt(at) }, 150n);
    expect(p.horizon?.at).toBe(1000);
    expect(p.lastAdvanceAt).toBe(2000);
    expect(p.samples[0]).toEqual({ at: 2000, insertLsn: 200n });
  });

  it('starts the no-progress clock when watching begins and when the slot appears', () => {
    let p = trackCapture(start, { at: 1000, insertLsn: 100n }, undefined);
    expect(p.lastAdvanceAt).toBe(1000);
    p = trackCapture(p, { at: 5000, insertLsn: 200n }, 50n);
    expect(p.lastAdvanceAt).toBe(5000);
    expect(p.startedAt).toBe(1000);
  });
});
