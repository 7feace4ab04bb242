import { describe, expect, it } from 'vitest';
import { Counters } from './metrics';

describe('Counters', () => {
  it('keeps sum, count, max and a histogram of handler latency', () => {
    const counters = new Counters();
    counters.observeHandler(3);
    counters.observeHandler(7000);
    const snapshot = counters.snapshot({});
    expect(snapshot.handlerLatency).toMatchObject({ count: 2, sumMs: 7003, maxMs: 7000 });
    expect(snapshot.handlerLatency.buckets[1]).toBe(1);
    expect(snapshot.handlerLatency.buckets.at(-1)).toBe(1);
  });
});
