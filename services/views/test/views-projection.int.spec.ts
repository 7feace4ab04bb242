import { DELIVERED_ORDER_PATH } from '@order-platform/contracts/testing';
import { describe, expect, it } from 'vitest';
import { type DaySales, expectedSales, get, type Timeline, useViewsSystem } from './views.fixture';

/** The read side on the real stack: what the live projector makes of a messy workload. */
describe('views: the live projection', () => {
  const sys = useViewsSystem();

  it('projects every outcome into the timeline, the customer orders and the daily sales, despite duplicates and reordering', async () => {
    await sys.projected();

    const delivered = sys.orders.find((o, i) => o.outcome === 'DELIVERED' && i % 3 === 0 && i % 4 === 1)!;
    const { body: timeline } = await get<Timeline>(sys.base, `/orders/${delivered.orderId}/timeline`);
    expect(timeline.statusHistory.map((s) => s.status)).toEqual(DELIVERED_ORDER_PATH);
    const times = timeline.statusHistory.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const requested = delivered.events.find((e) => e.topic === 'basket.order-requested.v1')!.event;
    expect(timeline.statusHistory[0]).toEqual({
      status: 'PENDING',
      at: new Date(requested.occurredAt).toISOString(),
      eventType: 'OrderRequested',
    });
    expect(timeline).toMatchObject({
      customerId: delivered.customerId,
      totalMinor: delivered.totalMinor,
      currency: delivered.currency,
      payment: { status: 'PROCESSED', amountMinor: delivered.totalMinor },
      outcome: null,
    });
    expect(timeline.shipments).toHaveLength(1);
    expect(timeline.shipments[0]?.timeline.map((t) => t.status)).toEqual([
      'DISPATCHED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
    expect(timeline.emails.map((e) => e.kind)).toEqual(['ORDER_CONFIRMED', 'ORDER_DELIVERED']);
    // The stale IN_TRANSIT and the stale first email were dropped, the duplicates too.
    expect(timeline.events.length).toBe(delivered.events.length - 2);
    expect(new Set(timeline.events.map((e) => e.eventId)).size).toBe(timeline.events.length);
    expect(Object.keys(timeline.position)).toContain('basket.order-requested.v1');

    const cancelled = sys.orders.find((o) => o.outcome === 'CANCELLED')!;
    const { body: c } = await get<Timeline>(sys.base, `/orders/${cancelled.orderId}/timeline`);
    expect(c).toMatchObject({
      status: 'CANCELLED',
      payment: { status: 'FAILED' },
      outcome: { reasonCode: 'PAYMENT_FAILED' },
    });
    const rejected = sys.orders.find((o) => o.outcome === 'REJECTED')!;
    const { body: r } = await get<Timeline>(sys.base, `/orders/${rejected.orderId}/timeline`);
    expect(r).toMatchObject({ status: 'REJECTED', payment: null, outcome: { reasonCode: 'OUT_OF_STOCK' } });
    expect(r.statusHistory.map((s) => s.status)).toEqual(['PENDING', 'REJECTED']);

    // A customer's orders, newest first, a page at a time.
    const customer = sys.orders[0]!.customerId;
    const mine = sys.orders
      .filter((o) => o.customerId === customer)
      .map((o) => o.orderId)
      .reverse();
    const page1 = await get<{ total: number; orders: { orderId: string; status: string }[] }>(
      sys.base,
      `/customers/${customer}/orders?pageSize=10`,
    );
    const page2 = await get<{ total: number; orders: { orderId: string }[] }>(
      sys.base,
      `/customers/${customer}/orders?page=2&pageSize=10`,
    );
    expect(page1.body.total).toBe(mine.length);
    expect([...page1.body.orders, ...page2.body.orders].map((o) => o.orderId)).toEqual(mine.slice(0, 20));

    const sales = await get<{ days: DaySales[] }>(
      sys.base,
      `/stats/daily-sales?from=${sys.from}&to=${sys.to}`,
    );
    expect(sales.status).toBe(200);
    expect(sales.body.days).toEqual(expectedSales(sys.orders));
  });

  it('answers bad requests with 400 and a reason, and an order it has not projected as being prepared, with the position', async () => {
    const bad = [
      '/orders/not-a-uuid/timeline',
      `/customers/c/orders?page=0`,
      `/customers/c/orders?pageSize=101`,
      `/customers/c/orders?page=x`,
      '/stats/daily-sales?from=2026-02-30&to=2026-03-01',
      '/stats/daily-sales?from=2026-03-02&to=2026-03-01',
      '/stats/daily-sales?to=2026-03-01',
      '/stats/daily-sales?from=2020-01-01&to=2026-03-01',
      '/stats/daily-sales?from=1%20March&to=2026-03-01',
    ];
    for (const path of bad) {
      const { status, body } = await get<{ message: string }>(sys.base, path);
      expect({ path, status }).toEqual({ path, status: 400 });
      expect(body.message.length).toBeGreaterThan(10);
    }
    // The emails link to this page without waiting for the view: an order it has not
    // projected yet is "being prepared", never an error.
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await get<{ orderId: string; preparing: boolean; status: string; position: object }>(
      sys.base,
      `/orders/${unknown}/timeline`,
    );
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ orderId: unknown, preparing: true, status: 'PREPARING' });
    expect(Object.keys(missing.body.position).length).toBeGreaterThan(0);
  });
});
