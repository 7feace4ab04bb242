import { describe, expect, it } from 'vitest';
import { chargeRetryDelayMs } from './charge-retry';

const settings = { initialDelayMs: 500, maxDelayMs: 12_000 };
const lowest = () => 0;
const highest = () => 1;

describe('chargeRetryDelayMs', () => {
  it('doubles per attempt with jitter between half and all of the step', () => {
    expect([1, 2, 3, 4].map((n) => chargeRetryDelayMs(n, {}, settings, highest))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((n) => chargeRetryDelayMs(n, {}, settings, lowest))).toEqual([
      250, 500, 1000, 2000,
    ]);
  });

  it('is capped at the longest delay, however many attempts failed', () => {
    expect(chargeRetryDelayMs(50, {}, settings, highest)).toBe(12_000);
    expect(chargeRetryDelayMs(50, {}, settings, lowest)).toBe(6000);
  });

  it('waits for the open breaker to let a trial through, spread by up to one initial delay', () => {
    expect(chargeRetryDelayMs(9, { breakerRetryInMs: 7000 }, settings, lowest)).toBe(7000);
    expect(chargeRetryDelayMs(9, { breakerRetryInMs: 7000 }, settings, highest)).toBe(7500);
    expect(chargeRetryDelayMs(1, { breakerRetryInMs: 0 }, settings, () => 0.5)).toBe(250);
  });
});
