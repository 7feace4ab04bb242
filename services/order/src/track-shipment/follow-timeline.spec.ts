import { describe, expect, it } from 'vitest';
import { Order } from '../domain/order.aggregate';
import { followTimeline } from './track-shipment-on-status-changed.handler';

const at = (hour: number) => Date.UTC(2026, 2, 1, hour);

function confirmedOrder(): Order {
  const order = Order.request({
    orderId: 'o-1',
    customerId: 'c-1',
    customerEmail: 'c@example.com',
    currency: 'EUR',
    lines: [{ sku: 'SKU-TEA-001', name: 'Tea', quantity: 1, unitPriceMinor: 1250 }],
    totalMinor: 1250,
    at: new Date(at(8)),
  });
  order.validate({ unknownSkus: [], unavailable: [] }, { maxTotalMinor: 100_000 }, new Date(at(8)));
  order.paymentProcessed('p-1', new Date(at(9)));
  return order;
}

describe('followTimeline', () => {
  it('records each step of the shipment at its own time, but leaves the delivery to OrderDelivered', () => {
    const order = confirmedOrder();
    const moved = followTimeline(
      order,
      [
        { status: 'DISPATCHED', at: at(10), location: 'Berlin hub' },
        { status: 'IN_TRANSIT', at: at(11), location: null },
        { status: 'DELIVERED', at: at(12), location: null },
      ],
      'ShipmentStatusChanged',
    );
    expect(moved).toBe(true);
    expect(order.status).toBe('IN_TRANSIT');
    expect(order.snapshot.history.slice(-2).map((h) => [h.to, h.at.getTime()])).toEqual([
      ['DISPATCHED', at(10)],
      ['IN_TRANSIT', at(11)],
    ]);
  });

  it('is no change for news older than the order', () => {
    const order = confirmedOrder();
    followTimeline(order, [{ status: 'DISPATCHED', at: at(10), location: null }], 'ShipmentStatusChanged');
    order.delivered('s-1', new Date(at(12)), 'OrderDelivered');
    const version = order.snapshot.version;
    expect(
      followTimeline(
        order,
        [
          { status: 'DISPATCHED', at: at(10), location: null },
          { status: 'IN_TRANSIT', at: at(11), location: null },
        ],
        'ShipmentStatusChanged',
      ),
    ).toBe(false);
    expect(order.status).toBe('DELIVERED');
    expect(order.snapshot.version).toBe(version);
  });
});
