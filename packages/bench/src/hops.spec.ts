import { describe, expect, it } from 'vitest';
import { hopsOf } from './hops';
import type { InboxRow, OutboxRow } from './lifecycle';
import { stepVerdict, type StepReport } from './report';
import { percentile, spread } from './stats';

const outboxRow = (
  o: Partial<OutboxRow> & Pick<OutboxRow, 'eventId' | 'type' | 'committedMs'>,
): OutboxRow => ({
  service: 'orders',
  topic: 't',
  orderId: 'o1',
  bytes: 300,
  ...o,
});
const inboxRow = (i: Partial<InboxRow> & Pick<InboxRow, 'eventId' | 'committedMs'>): InboxRow => ({
  service: 'orders',
  group: 'g',
  topic: 't',
  orderId: 'o1',
  ...i,
});

describe('hops from commit and append times', () => {
  const outbox = [
    outboxRow({ service: 'basket', eventId: 'e1', type: 'OrderRequested', committedMs: 1_000 }),
    outboxRow({ eventId: 'e2', type: 'OrderValidated', committedMs: 1_060 }),
    outboxRow({ service: 'payment', eventId: 'e3', type: 'PaymentProcessed', committedMs: 1_200 }),
    outboxRow({ eventId: 'e4', type: 'OrderConfirmed', committedMs: 1_300 }),
  ];
  const inbox = [
    inboxRow({ eventId: 'e1', committedMs: 1_050 }),
    inboxRow({ service: 'payment', topic: 'order.order-validated.v1', eventId: 'e2', committedMs: 1_100 }),
    inboxRow({ eventId: 'e3', committedMs: 1_290 }),
    inboxRow({ service: 'views', eventId: 'e4', committedMs: 1_400 }),
  ];
  const appended = new Map([
    ['e1', 1_020],
    ['e2', 1_080],
    ['e3', 1_230],
    ['e4', 1_330],
  ]);

  it('splits each hop at the broker: commit → appended → consumer commit', () => {
    const hops = hopsOf({ outbox, inbox, charged: new Map([['o1', 1_180]]) }, appended);
    expect(hops.checkoutToConfirmed).toMatchObject({ n: 1, p50: 300 });
    expect(hops.checkoutToFinished).toMatchObject({ n: 1, p50: 400 });
    expect(hops.cdc).toMatchObject({ n: 4, p50: 20, max: 30 });
    expect(hops.consume).toMatchObject({ n: 4, p50: 30, max: 70 });
    expect(hops.intentToCharged).toMatchObject({ n: 1, p50: 80 });
    expect(hops.chargedToResult).toMatchObject({ n: 1, p50: 20 });
    expect(hops.eventsPerOrder).toBe(4);
    expect(hops.deliveriesPerOrder).toBe(4);
    expect(hops.missingInKafka).toBe(0);
  });

  it('counts outbox rows the broker never got', () => {
    const hops = hopsOf({ outbox, inbox, charged: new Map() }, new Map([['e1', 1_020]]));
    expect(hops.missingInKafka).toBe(3);
    expect(hops.cdc.n).toBe(1);
    expect(hops.intentToCharged.n).toBe(0);
  });
});

describe('percentiles', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([], 50)).toBeNaN();
    expect(spread([3, 1, 2])).toEqual({ n: 3, p50: 2, p95: 3, p99: 3, max: 3 });
  });
});

describe('whether a step was sustained', () => {
  const step = (over: Partial<StepReport>): StepReport => {
    const hops = hopsOf({ outbox: [], inbox: [], charged: new Map() }, new Map());
    return {
      offered: 10,
      seconds: 30,
      accepted: 10,
      placed: 300,
      failures: [],
      skipped: 0,
      finished: 300,
      statuses: new Map([['DELIVERED', 300]]),
      drainSeconds: 12,
      checkoutHttp: spread([10]),
      hops: { ...hops, checkoutToConfirmed: spread([90, 200]), checkoutToFinished: spread([13_000]) },
      cpuPerOrderMs: new Map(),
      ...over,
    };
  };
  const limits = { p99LimitMs: 1000, finishedLimitMs: 18_000 };

  it('holds when every order finished in time at the offered rate', () => {
    expect(stepVerdict(step({}), limits)).toEqual({ sustained: true, reasons: [] });
  });

  it('names each reason it does not', () => {
    const { sustained, reasons } = stepVerdict(
      step({
        accepted: 8,
        finished: 290,
        hops: {
          ...step({}).hops,
          checkoutToConfirmed: spread([2_000]),
          checkoutToFinished: spread([40_000]),
        },
      }),
      limits,
    );
    expect(sustained).toBe(false);
    expect(reasons).toEqual([
      'accepted 8.0/s of 10/s offered',
      '10 of 300 orders unfinished after the drain timeout',
      'checkout → CONFIRMED p99 2000 ms > 1000 ms',
      'checkout → finished p99 40.0 s > 18.0 s (a backlog)',
    ]);
  });
});
