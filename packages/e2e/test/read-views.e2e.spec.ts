import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DailySales, OrderTimeline } from '../src/client';
import { eventually, until } from '@order-platform/testing';
import { emailKind } from './email-kind';
import { useRunningSystem } from './system';

const FINAL = ['DELIVERED', 'REJECTED', 'CANCELLED'];

/** YYYY-MM-DD of a UTC day, `offset` days from `date`. */
const utcDay = (date: Date, offset = 0) =>
  new Date(date.getTime() + offset * 86_400_000).toISOString().slice(0, 10);

/** A status history's statuses with repeats of the same status folded into one. */
const statusSteps = (timeline: OrderTimeline) =>
  timeline.statusHistory.map((h) => h.status).filter((status, i, all) => status !== all[i - 1]);

/** The day's totals of one currency, summed over the days of the answer. */
function salesTotals(sales: DailySales, currency: string) {
  const days = sales.days.filter((d) => d.currency === currency);
  const sum = (pick: (d: DailySales['days'][number]) => number) => days.reduce((n, d) => n + pick(d), 0);
  return {
    confirmedOrders: sum((d) => d.confirmedOrders),
    confirmedRevenueMinor: sum((d) => d.confirmedRevenueMinor),
    cancelledOrders: sum((d) => d.cancelledOrders),
    cancelledAmountMinor: sum((d) => d.cancelledAmountMinor),
  };
}

/**
 * The read side through its HTTP API: orders placed through the basket show up, with their
 * whole story, in the order timeline, the customer's orders and the daily sales, and the
 * emails link to the timeline.
 */
describe('the read views, end to end', () => {
  const system = useRunningSystem();
  const client = () => system.client;

  /** The day's sales once the whole system is quiet and the read side has projected everything. */
  async function steadySales(from: string, to: string): Promise<DailySales> {
    await system.quiet();
    await system.settled();
    return client().dailySales(from, to);
  }

  it('follows a delivered, a cancelled and a rejected order into every view, and the emails link to the timeline', async () => {
    const startedAt = new Date();
    // The topics are shared with earlier runs: sales are compared before and after. The
    // next day is included in case the orders cross midnight (UTC).
    const salesRange = [utcDay(startedAt), utcDay(startedAt, 1)] as const;
    // The system may still be finishing orders that came before this test (an earlier file's
    // or layer's), and the read side projecting them: the day's sales are read once all is quiet.
    const salesBefore = await steadySales(...salesRange);

    const customerId = `customer-${randomUUID().slice(0, 8)}`;
    const delivered = await client().placeOrder({
      customerId,
      items: [{ sku: 'SKU-TEA-001', quantity: 2 }],
      paymentToken: 'tok_ok',
    });
    const cancelled = await client().placeOrder({
      customerId,
      items: [{ sku: 'SKU-TRAY-010', quantity: 1 }],
      paymentToken: 'tok_declined',
    });
    const scarceSku = 'SKU-GRND-006';
    const stockBefore = await client().stock(scarceSku);
    await client().setStock(scarceSku, 1);
    const rejected = await client().placeOrder({
      customerId,
      items: [{ sku: scarceSku, quantity: 2 }],
      paymentToken: 'tok_ok',
    });
    const [deliveredOrder, cancelledOrder, rejectedOrder] = await Promise.all(
      [delivered, cancelled, rejected].map((id) => client().waitForStatus(id, FINAL)),
    );
    await client().setStock(scarceSku, stockBefore);
    expect([deliveredOrder?.status, cancelledOrder?.status, rejectedOrder?.status], system.output()).toEqual([
      'DELIVERED',
      'CANCELLED',
      'REJECTED',
    ]);

    // The order timeline: each order's final status, its steps in order, what it is made of.
    const timelineOf = (orderId: string, status: string, emails: number) =>
      eventually<OrderTimeline>(
        `the timeline of ${orderId} (${status}, ${emails} emails)`,
        until(
          () => client().timeline(orderId),
          (t) => t?.status === status && t.emails.length >= emails,
        ),
      );
    const [deliveredTimeline, cancelledTimeline, rejectedTimeline] = await Promise.all([
      timelineOf(delivered, 'DELIVERED', 2),
      timelineOf(cancelled, 'CANCELLED', 1),
      timelineOf(rejected, 'REJECTED', 1),
    ]);
    const expectations = [
      {
        timeline: deliveredTimeline,
        order: deliveredOrder,
        steps: ['PENDING', 'VALIDATED', 'CONFIRMED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED'],
        emails: ['ORDER_CONFIRMED', 'ORDER_DELIVERED'],
      },
      {
        timeline: cancelledTimeline,
        order: cancelledOrder,
        steps: ['PENDING', 'VALIDATED', 'CANCELLED'],
        emails: ['ORDER_CANCELLED'],
      },
      {
        timeline: rejectedTimeline,
        order: rejectedOrder,
        steps: ['PENDING', 'REJECTED'],
        emails: ['ORDER_REJECTED'],
      },
    ];
    for (const { timeline, order, steps, emails } of expectations) {
      const what = `${timeline.orderId}: ${JSON.stringify(timeline)}`;
      expect(timeline, what).toMatchObject({
        customerId,
        customerEmail: `${customerId}@example.com`,
        totalMinor: order?.totalMinor,
        currency: order?.currency,
      });
      expect(
        timeline.items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
        what,
      ).toEqual(order?.items.map((i) => ({ sku: i.sku, quantity: i.quantity })));
      expect(statusSteps(timeline), what).toEqual(steps);
      expect(timeline.statusHistory[0]?.eventType, what).toBe('OrderRequested');
      // Event times, oldest first, all from this run.
      const times = timeline.statusHistory.map((h) => Date.parse(h.at));
      expect(
        times.every((t) => t >= startedAt.getTime() - 60_000 && t <= Date.now()),
        what,
      ).toBe(true);
      expect(times, what).toEqual([...times].sort((a, b) => a - b));
      expect(Date.parse(timeline.placedAt), what).toBeLessThanOrEqual(Date.parse(timeline.updatedAt));
      expect(timeline.emails.map((e) => e.kind).sort(), what).toEqual(emails);
      expect(
        timeline.emails.every((e) => e.recipient === timeline.customerEmail),
        what,
      ).toBe(true);
      // Every event at most once, however often it was delivered.
      const eventIds = timeline.events.map((e) => e.eventId);
      expect(new Set(eventIds).size, what).toBe(eventIds.length);
    }
    expect(deliveredTimeline.payment).toMatchObject({
      status: 'PROCESSED',
      amountMinor: deliveredTimeline.totalMinor,
      currency: deliveredTimeline.currency,
    });
    expect(cancelledTimeline.payment).toMatchObject({ status: 'FAILED' });
    expect(rejectedTimeline.payment).toBeNull();
    expect(deliveredTimeline.shipments).toHaveLength(1);
    expect(deliveredTimeline.shipments[0]?.status).toBe('DELIVERED');
    expect(deliveredTimeline.shipments[0]?.timeline.map((s) => s.status)).toEqual([
      'DISPATCHED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
    expect(cancelledTimeline.shipments).toEqual([]);
    expect(rejectedTimeline.shipments).toEqual([]);

    // The customer's orders: newest first, with their totals and final statuses.
    const placed = [rejectedTimeline, cancelledTimeline, deliveredTimeline];
    const customerOrders = await eventually(
      `the orders of ${customerId}`,
      until(
        () => client().customerOrders(customerId),
        (page) => page.total === 3 && page.orders.every((o) => FINAL.includes(o.status)),
      ),
    );
    expect(customerOrders.orders).toEqual(
      placed.map((t) => ({
        orderId: t.orderId,
        placedAt: t.placedAt,
        status: t.status,
        totalMinor: t.totalMinor,
        currency: t.currency,
      })),
    );
    const firstPage = await client().customerOrders(customerId, 1, 2);
    const secondPage = await client().customerOrders(customerId, 2, 2);
    expect([firstPage.total, secondPage.total]).toEqual([3, 3]);
    expect([...firstPage.orders, ...secondPage.orders].map((o) => o.orderId)).toEqual(
      placed.map((t) => t.orderId),
    );

    // The day's sales: one more confirmed order and one more cancelled one.
    const currency = deliveredTimeline.currency;
    const expected = {
      confirmedOrders: salesTotals(salesBefore, currency).confirmedOrders + 1,
      confirmedRevenueMinor:
        salesTotals(salesBefore, currency).confirmedRevenueMinor + deliveredTimeline.totalMinor,
      cancelledOrders: salesTotals(salesBefore, currency).cancelledOrders + 1,
      cancelledAmountMinor:
        salesTotals(salesBefore, currency).cancelledAmountMinor + cancelledTimeline.totalMinor,
    };
    const salesAfter = await eventually(
      `the daily sales of ${salesRange.join('..')}`,
      until(
        () => client().dailySales(...salesRange),
        (sales) =>
          salesTotals(sales, currency).confirmedOrders >= expected.confirmedOrders &&
          salesTotals(sales, currency).cancelledOrders >= expected.cancelledOrders,
      ),
    );
    expect(salesTotals(salesAfter, currency)).toEqual(expected);
    expect(salesAfter).toMatchObject({ from: salesRange[0], to: salesRange[1] });

    // The confirmation email links to the order's timeline on this views instance.
    const emails = await client().emailsFor(delivered);
    const confirmation = emails.find((e) => emailKind(e.subject) === 'confirmed');
    const link = /Your order: (\S+)/.exec(confirmation?.text ?? '')?.[1];
    expect(link, JSON.stringify(emails)).toBe(`${client().endpoints.views}/orders/${delivered}/timeline`);
    expect(confirmation?.html).toContain(`href="${link}"`);
    const page = await fetch(link!, { signal: AbortSignal.timeout(15_000) });
    expect(page.status).toBe(200);
    expect(((await page.json()) as OrderTimeline).orderId).toBe(delivered);
  });

  it('answers "being prepared" for an order it does not have and 400 for a malformed id or dates', async () => {
    const views = client().endpoints.views;
    const unknown = randomUUID();
    expect(await client().orderPage(unknown)).toMatchObject({
      orderId: unknown,
      preparing: true,
      status: 'PREPARING',
    });
    expect(await client().timeline(unknown)).toBeUndefined();
    const status = async (path: string) =>
      (await fetch(`${views}${path}`, { signal: AbortSignal.timeout(15_000) })).status;
    expect(await status('/orders/not-a-uuid/timeline')).toBe(400);
    expect(await status('/stats/daily-sales?from=yesterday&to=2026-13-45')).toBe(400);
  });
});
