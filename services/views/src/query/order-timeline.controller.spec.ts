import { describe, expect, it } from 'vitest';
import { type OrderTimeline, statusHistory, type TimelineEvent } from './order-timeline.controller';

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
