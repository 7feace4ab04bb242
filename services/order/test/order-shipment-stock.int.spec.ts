import { randomUUID } from 'node:crypto';
import type { EventOf } from '@order-platform/contracts';
import {
  aPaymentProcessed,
  aShipmentStatusChanged,
  aTimeline,
  anOrderDelivered,
  anOrderLine,
} from '@order-platform/contracts/testing';
import { eventually, startService, waitForHttp } from '@order-platform/testing';
import { describe, expect, it } from 'vitest';
import { OUR_SEQUENCE, useOrderService } from './order-service.fixture';

/** The order service on the real stack: shipment news, overselling, its HTTP answers. */
describe('the order service follows shipments and guards its stock', () => {
  const service = useOrderService();

  it('follows the shipment forward only, records DELIVERED before a late IN_TRANSIT, and completes the order once', async () => {
    const { orderId, requested } = await service.requestOrder();
    await service.produce('payment.payment-processed.v1', aPaymentProcessed(service.ourNews(orderId)));
    await service.waitForStatus(orderId, 'CONFIRMED');

    const start = Date.now();
    const shipmentId = randomUUID();
    const shipment = { aggregateId: orderId, shipmentId };
    await service.produce(
      'shipping.shipment-status-changed.v1',
      aShipmentStatusChanged({
        ...shipment,
        status: 'DISPATCHED',
        sequence: OUR_SEQUENCE,
        occurredAt: start,
        timeline: aTimeline('DISPATCHED', start),
      }),
    );
    const delivered = anOrderDelivered({
      ...shipment,
      sequence: OUR_SEQUENCE,
      occurredAt: start + 7_200_000,
      deliveredAt: start + 7_200_000,
      timeline: aTimeline('DELIVERED', start),
    });
    await service.redeliver('shipping.order-delivered.v1', delivered);
    const completed = await service.waitForEvent(orderId, 'order.order-completed.v1');
    expect(completed).toMatchObject({
      eventType: 'OrderCompleted',
      sequence: 6,
      causationId: delivered.eventId,
      customerId: requested.customerId,
      customerEmail: requested.customerEmail,
      items: requested.items,
      totalMinor: requested.totalMinor,
      currency: 'EUR',
      shipmentId,
      deliveredAt: delivered.deliveredAt,
    });

    const lateInTransit = aShipmentStatusChanged({
      ...shipment,
      status: 'IN_TRANSIT',
      sequence: OUR_SEQUENCE + 1,
      occurredAt: start + 3_600_000,
      timeline: aTimeline('IN_TRANSIT', start),
    });
    await service.produce('shipping.shipment-status-changed.v1', lateInTransit);
    const again = anOrderDelivered({
      ...delivered,
      eventId: randomUUID(),
      sequence: OUR_SEQUENCE + 1,
      occurredAt: start + 7_300_000,
    });
    await service.produce('shipping.order-delivered.v1', again);
    expect(await service.handled('order.track-shipment-on-status-changed', lateInTransit.eventId)).toBe(
      'applied',
    );
    expect(await service.handled('order.record-delivery-on-order-delivered', again.eventId)).toBe('applied');

    const order = await service.waitForStatus(orderId, 'DELIVERED');
    expect(order.history.map((h) => [h.from, h.to])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'VALIDATED'],
      ['VALIDATED', 'CONFIRMED'],
      ['CONFIRMED', 'DISPATCHED'],
      ['DISPATCHED', 'IN_TRANSIT'],
      ['IN_TRANSIT', 'DELIVERED'],
    ]);
    expect(order.history.at(-1)).toMatchObject({
      at: new Date(delivered.deliveredAt).toISOString(),
      cause: 'OrderDelivered',
    });
    await service.emittedOnce(orderId, 'order.order-completed.v1');
  });

  it('never oversells: 20 orders race for the last 5 units and exactly 5 are validated', async () => {
    await service.setStock('SKU-LTD-011', 5);
    const line = anOrderLine({
      sku: 'SKU-LTD-011',
      name: 'Limited edition tea caddy',
      quantity: 1,
      unitPriceMinor: 8900,
    });
    const orders = await Promise.all(Array.from({ length: 20 }, () => service.requestOrder([line])));
    const outcomes = await Promise.all(
      orders.map(({ orderId }) =>
        eventually(`the outcome of order ${orderId}`, () => service.eventsOf(orderId)[0]?.topic),
      ),
    );
    expect(outcomes.filter((t) => t === 'order.order-validated.v1')).toHaveLength(5);
    const rejections = orders
      .flatMap(({ orderId }) => service.eventsOf(orderId, 'order.order-rejected.v1'))
      .map((e) => (e.event as EventOf<'order.order-rejected.v1'>).reasonCode);
    expect(rejections).toEqual(Array.from({ length: 15 }, () => 'OUT_OF_STOCK'));
    expect(await service.stockOf('SKU-LTD-011')).toBe(0);
    const { rows } = await service.db.query<{ reserved: string }>(
      'select coalesce(sum(quantity), 0) as reserved from orders.reservations where order_id = any($1)',
      [orders.map((o) => o.orderId)],
    );
    expect(Number(rows[0]?.reserved)).toBe(5);
  });

  it('answers 404 for an unknown order, 400 for a malformed id or stock, and keeps stock administration closed by default', async () => {
    expect((await fetch(`${service.url()}/orders/${randomUUID()}`)).status).toBe(404);
    const malformed = await fetch(`${service.url()}/orders/not-an-id`);
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('not an order id');
    const badStock = await fetch(`${service.url()}/admin/stock/SKU-TEA-001`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ available: -1 }),
    });
    expect(badStock.status).toBe(400);
    expect(await badStock.text()).toContain('available: must be a whole number');
    expect((await fetch(`${service.url()}/admin/stock/SKU-NOPE-999`)).status).toBe(404);
    expect(await (await fetch(`${service.url()}/admin/stock/SKU-LTD-011`)).json()).toEqual({
      sku: 'SKU-LTD-011',
      available: 0,
    });

    const closed = startService('order', await service.env({ ALLOW_STOCK_ADMIN: 'false' }));
    try {
      await waitForHttp(closed, '/health/live');
      expect((await fetch(`${closed.url}/admin/stock/SKU-TEA-001`)).status).toBe(403);
      const closedPut = await fetch(`${closed.url}/admin/stock/SKU-TEA-001`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ available: -1 }),
      });
      expect(closedPut.status).toBe(403);
    } finally {
      await closed.stop('SIGTERM');
    }
  });
});
