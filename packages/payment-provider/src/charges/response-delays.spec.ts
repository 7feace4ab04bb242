import { afterEach, describe, expect, it, vi } from 'vitest';
import { ResponseDelays } from './response-delays';

describe('ResponseDelays', () => {
  afterEach(() => vi.useRealTimers());

  it('waits the given time', async () => {
    vi.useFakeTimers();
    const delays = new ResponseDelays();
    let done = false;
    void delays.wait(1000).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('releases every held answer on shutdown', async () => {
    vi.useFakeTimers();
    const delays = new ResponseDelays();
    const held = [delays.wait(60_000), delays.wait(30_000)];
    delays.beforeApplicationShutdown();
    await expect(Promise.all(held)).resolves.toEqual([undefined, undefined]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
