import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultBackoff, nextAttempt } from './backoff';

describe('the restart backoff', () => {
  it('starts at 0.5 s and doubles up to 30 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 100].map((n) => backoffDelay(n))).toEqual([
      500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it('starts over after a process stayed up 60 s, and keeps counting a crash loop', () => {
    expect(nextAttempt(6, defaultBackoff.resetAfterMs)).toBe(1);
    expect(nextAttempt(6, defaultBackoff.resetAfterMs - 1)).toBe(7);
    expect(nextAttempt(0, 10)).toBe(1);
  });

  it('refuses an attempt number that is not a positive integer', () => {
    expect(() => backoffDelay(0)).toThrow('attempt must be a positive integer');
    expect(() => backoffDelay(1.5)).toThrow('attempt must be a positive integer');
  });
});
