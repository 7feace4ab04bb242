import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

describe('backoffDelay', () => {
  const settings = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 };

  it('grows exponentially and stays within half to all of each step', () => {
    expect(backoffDelay(1, settings, () => 0)).toBe(50);
    expect(backoffDelay(1, settings, () => 1)).toBe(100);
    expect(backoffDelay(3, settings, () => 1)).toBe(400);
  });

  it('never exceeds the maximum delay', () => {
    expect(backoffDelay(20, settings, () => 1)).toBe(1000);
  });
});
