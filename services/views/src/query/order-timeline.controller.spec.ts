import type { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import { orderTimelineView } from '../views/order-timeline.view';
import {
  type OrderTimeline,
  OrderTimelineController,
  PREPARING_MESSAGE,
  preparingPage,
  statusHistory,
  type TimelineEvent,
} from './order-timeline.controller';

let id = 0;
const event = (status: TimelineEvent['status'], occurredAt: string, eventType: string): TimelineEvent => ({
  eventId: `e-${++id}`,
  eventType,
  topic: 't',
  occurredAt,
  sequence: id,
  status,
});

const shipment = (timeline: { status: string; at: string }[]): OrderTimeline['shipments'][number] => ({
  shipmentId: 's-1',
  carrier: 'DHL',
  trackingNumber: 'JJD1',
  status: timeline.at(-1)!.status,
  timeline: timeline.map((t) => ({ ...t, location: null })),
});

describe('statusHistory', () => {
  it('lists each status once, oldest first, at the time it was first reached', () => {
    const events = [
      event('CONFIRMED', '2026-03-01T10:02:00.000Z', 'OrderConfirmed'),
      event('PENDING', '2026-03-01T10:00:00.000Z', 'OrderRequested'),
      event(null, '2026-03-01T10:01:30.000Z', 'PaymentProcessed'),
      event('VALIDATED', '2026-03-01T10:01:00.000Z', 'OrderValidated'),
      event('PENDING', '2026-03-01T10:05:00.000Z', 'OrderRequested'),
    ];
    expect(statusHistory(events, [])).toEqual([
      { status: 'PENDING', at: '2026-03-01T10:00:00.000Z', eventType: 'OrderRequested' },
      { status: 'VALIDATED', at: '2026-03-01T10:01:00.000Z', eventType: 'OrderValidated' },
      { status: 'CONFIRMED', at: '2026-03-01T10:02:00.000Z', eventType: 'OrderConfirmed' },
    ]);
  });

  it('adds statuses known only from a shipment timeline, and keeps the earlier of two times', () => {
    const events = [
      event('CONFIRMED', '2026-03-01T10:00:00.000Z', 'OrderConfirmed'),
      event('IN_TRANSIT', '2026-03-01T13:00:00.000Z', 'ShipmentStatusChanged'),
    ];
    const shipments = [
      shipment([
        { status: 'DISPATCHED', at: '2026-03-01T11:00:00.000Z' },
        { status: 'IN_TRANSIT', at: '2026-03-01T12:00:00.000Z' },
      ]),
    ];
    expect(statusHistory(events, shipments)).toEqual([
      { status: 'CONFIRMED', at: '2026-03-01T10:00:00.000Z', eventType: 'OrderConfirmed' },
      { status: 'DISPATCHED', at: '2026-03-01T11:00:00.000Z', eventType: 'ShipmentStatusChanged' },
      { status: 'IN_TRANSIT', at: '2026-03-01T12:00:00.000Z', eventType: 'ShipmentStatusChanged' },
    ]);
  });

  it('orders statuses reached at the same time by rank', () => {
    const same = '2026-03-01T10:00:00.000Z';
    const events = [
      event('DELIVERED', same, 'OrderDelivered'),
      event('CONFIRMED', same, 'OrderConfirmed'),
      event('PENDING', same, 'OrderRequested'),
    ];
    expect(statusHistory(events, []).map((s) => s.status)).toEqual(['PENDING', 'CONFIRMED', 'DELIVERED']);
  });
});

/** A pool that answers the view's version, then the page's one row (no database: the SQL is the integration tests' job). */
function poolAnswering(version: number | undefined, row: Record<string, unknown> | undefined): Pool {
  return {
    query: (sql: string) =>
      Promise.resolve({
        rows: sql.includes('view_state') ? (version === undefined ? [] : [{ version }]) : row ? [row] : [],
      }),
  } as unknown as Pool;
}

describe('OrderTimelineController', () => {
  // As the validation pipe hands it over: a UUID in lower case (query-parameters.spec.ts).
  const orderId = '6f1c2d3e-0000-4000-8000-00000000000a';
  const position = { 'basket.order-requested.v1': { '0': 41 } };

  it('answers an order the view does not have yet with the "being prepared" page and the position', async () => {
    const controller = new OrderTimelineController(
      poolAnswering(orderTimelineView.version, { found: false, position }),
    );
    const page = await controller.timeline(orderId);
    expect(page).toEqual(preparingPage(orderId, position));
    expect(page).toMatchObject({
      preparing: true,
      status: 'PREPARING',
      message: PREPARING_MESSAGE,
      events: [],
    });
  });

  it('answers "being prepared" too while the view is not live (never built, or awaiting its replay)', async () => {
    for (const version of [undefined, orderTimelineView.version + 1]) {
      const controller = new OrderTimelineController(poolAnswering(version, { found: true }));
      expect(await controller.timeline(orderId)).toMatchObject({ preparing: true, position: {} });
    }
  });

  it('answers "being prepared" on a first start, before the tables exist, but lets other errors through', async () => {
    const failing = (code: string) =>
      ({ query: () => Promise.reject(Object.assign(new Error(code), { code })) }) as unknown as Pool;
    expect(await new OrderTimelineController(failing('42P01')).timeline(orderId)).toMatchObject({
      preparing: true,
      position: {},
    });
    await expect(new OrderTimelineController(failing('57P01')).timeline(orderId)).rejects.toThrow('57P01');
  });

  it('answers an order the view has with its page, preparing false', async () => {
    const events = [event('PENDING', '2026-03-01T10:00:00.000Z', 'OrderRequested')];
    const controller = new OrderTimelineController(
      poolAnswering(orderTimelineView.version, {
        found: true,
        orderId,
        status: 'PENDING',
        totalMinor: '2500',
        events,
        shipments: [],
        position,
      }),
    );
    expect(await controller.timeline(orderId)).toMatchObject({
      orderId,
      preparing: false,
      status: 'PENDING',
      totalMinor: 2500,
      statusHistory: [{ status: 'PENDING', at: '2026-03-01T10:00:00.000Z', eventType: 'OrderRequested' }],
      position,
    });
  });
});
