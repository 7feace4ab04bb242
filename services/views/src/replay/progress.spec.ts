import { describe, expect, it } from 'vitest';
import { formatProgress, type ReplayProgress } from './progress';

const progress = (overrides: Partial<ReplayProgress> = {}): ReplayProgress => ({
  phase: 'reading',
  recordsDone: 50_000,
  recordsTotal: 100_000,
  events: 49_990,
  rate: 4_999.6,
  secondsLeft: 10,
  elapsedSeconds: 10,
  ...overrides,
});

describe('formatProgress', () => {
  it('draws a 28-wide bar, the percent, records and events with thousands separators, rate and time left', () => {
    expect(formatProgress('order-timeline', progress())).toBe(
      `order-timeline [${'#'.repeat(14)}${'.'.repeat(14)}]  50% 50,000/100,000 records · 49,990 events · 5,000/s · 0:10 left`,
    );
  });

  it('says --:-- left until there is a rate', () => {
    expect(formatProgress('v', progress({ secondsLeft: undefined }))).toMatch(/ · --:-- left$/);
  });

  it('writes hours when the time left runs over one', () => {
    expect(formatProgress('v', progress({ secondsLeft: 3_725 }))).toMatch(/ · 1:02:05 left$/);
  });

  it('says how long it took when done, and names the other phases', () => {
    const done = formatProgress('v', progress({ phase: 'done', recordsDone: 100_000, elapsedSeconds: 125 }));
    expect(done).toContain(`[${'#'.repeat(28)}] 100%`);
    expect(done).toMatch(/ · done in 2:05$/);
    expect(formatProgress('v', progress({ phase: 'swapping' }))).toMatch(/ · swapping$/);
  });

  it('counts a total of 0 as 100%', () => {
    const line = formatProgress('v', progress({ recordsDone: 0, recordsTotal: 0 }));
    expect(line).toContain(`[${'#'.repeat(28)}] 100% 0/0 records`);
  });

  it('never goes over 100%', () => {
    const line = formatProgress('v', progress({ recordsDone: 150, recordsTotal: 100 }));
    expect(line).toContain(`[${'#'.repeat(28)}] 100% 150/100 records`);
  });

  it('rounds the percent down, so that 100% means done', () => {
    expect(formatProgress('v', progress({ recordsDone: 999, recordsTotal: 1000 }))).toContain(' 99% ');
  });
});
