import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PollLoop } from './poll-loop';

function logger() {
  const lines: string[] = [];
  return { lines, log: (m: string) => lines.push(`log ${m}`), warn: (m: string) => lines.push(`warn ${m}`) };
}

describe('PollLoop', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs a round per interval, one at a time, and stops after the round under way', async () => {
    let rounds = 0;
    let release: () => void = () => undefined;
    const loop = new PollLoop({
      name: 'test',
      intervalMs: 100,
      logger: logger(),
      work: () => {
        rounds += 1;
        return new Promise<void>((r) => (release = r));
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(1);
    const stopped = loop.stop();
    release();
    await stopped;
    await vi.advanceTimersByTimeAsync(1000);
    expect(rounds).toBe(1);
  });

  it('skips rounds until ready', async () => {
    let ready = false;
    let rounds = 0;
    const loop = new PollLoop({
      name: 'test',
      intervalMs: 100,
      logger: logger(),
      ready: () => ready,
      work: () => Promise.resolve(void (rounds += 1)),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(350);
    expect(rounds).toBe(0);
    ready = true;
    await vi.advanceTimersByTimeAsync(100);
    expect(rounds).toBe(1);
    await loop.stop();
  });

  it('logs a failure once while it lasts, backs off up to the bound, and says when it recovered', async () => {
    const log = logger();
    let failing = true;
    const loop = new PollLoop({
      name: 'scheduler',
      intervalMs: 100,
      maxBackoffMs: 1000,
      logger: log,
      work: () => (failing ? Promise.reject(new Error('database away')) : Promise.resolve()),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(5000);
    expect(log.lines).toEqual(['warn scheduler poll failed: database away']);
    expect(loop.delay()).toBe(1000);
    failing = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(log.lines.at(-1)).toBe('log scheduler recovered');
    expect(loop.delay()).toBe(100);
    await loop.stop();
  });

  it('runs a round at once when woken, and right after the round under way when woken during one', async () => {
    const started: number[] = [];
    let release: () => void = () => undefined;
    const loop = new PollLoop({
      name: 'charger',
      intervalMs: 1000,
      logger: logger(),
      work: () => {
        started.push(Date.now());
        return new Promise<void>((r) => (release = r));
      },
    });
    const t0 = Date.now();
    loop.start();
    loop.wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(started.map((t) => t - t0)).toEqual([0]);
    loop.wake();
    loop.wake();
    await vi.advanceTimersByTimeAsync(50);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(started.map((t) => t - t0)).toEqual([0, 50]);
    release();
    await vi.advanceTimersByTimeAsync(999);
    expect(started).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(started).toHaveLength(3);
    const stopped = loop.stop();
    release();
    await stopped;
    loop.wake();
    await vi.advanceTimersByTimeAsync(5000);
    expect(started).toHaveLength(3);
  });
});
