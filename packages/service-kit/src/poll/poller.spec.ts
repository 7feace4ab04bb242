import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Poller, type PollerOptions } from './poller';

class Counting extends Poller {
  rounds = 0;

  constructor(options: Partial<PollerOptions> = {}) {
    super({ name: 'counting', intervalMs: 100, ...options });
  }

  protected poll(): Promise<void> {
    this.rounds += 1;
    return Promise.resolve();
  }
}

describe('Poller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('polls from the application bootstrap to its shutdown', async () => {
    const poller = new Counting();
    poller.onApplicationBootstrap();
    await vi.advanceTimersByTimeAsync(350);
    await poller.beforeApplicationShutdown();
    await vi.advanceTimersByTimeAsync(1000);
    expect(poller.rounds).toBe(3);
  });

  it('never polls when it is not enabled', async () => {
    const poller = new Counting({ enabled: false });
    poller.onApplicationBootstrap();
    await vi.advanceTimersByTimeAsync(1000);
    await poller.beforeApplicationShutdown();
    expect(poller.rounds).toBe(0);
  });
});
