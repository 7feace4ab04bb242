import {
  aPaymentFailed,
  aPaymentProcessed,
  anOrderLine,
  anOrderRequested,
} from '@order-platform/contracts/testing';
import type { EventOf } from '@order-platform/contracts';
import { eventually } from '@order-platform/testing';
import { describe, expect, it } from 'vitest';
import { useOrderService } from './order-service.fixture';

/** The order service on the real stack: validation, rejection, payment news, parking. */
/** What every event the order service emits about an order carries over from its request. */
const carriedOver = (requested: EventOf<'basket.order-requested.v1'>) => ({
  customerId: requested.customerId,
  customerEmail: requested.customerEmail,
  items: requested.items,
  totalMinor: requested.totalMinor,
  currency: requested.currency,
});

describe('the order service takes an order through its life', () => {
  const service = useOrderService();

  it('validates an order once, reserves its stock and emits OrderValidated, even when OrderRequested comes twice', async () => {
    await service.setStock('SKU-TRAY-010', 40);
    const lines = [
      anOrderLine({ sku: 'SKU-TRAY-010', name: 'Bamboo tea tray', quantity: 3, unitPriceMinor: 2900 }),
      anOrderLine({ sku: 'SKU-FLTR-009', name: 'Paper filters, 100 pcs', quantity: 2, unitPriceMinor: 599 }),
    ];
    const { orderId, requested } = await service.requestOrder(lines);
    await service.produce('basket.order-requested.v1', requested);

    const validated = await service.waitForEvent(orderId, 'order.order-validated.v1');
    expect(validated).toMatchObject({
      eventType: 'OrderValidated',
      aggregateId: orderId,
      sequence: 2,
      correlationId: requested.correlationId,
      causationId: requested.eventId,
      customerId: requested.customerId,
      paymentToken: requested.paymentToken,
      items: lines,
      totalMinor: 2 * 599 + 3 * 2900,
      currency: 'EUR',
    });
    const order = await service.waitForStatus(orderId, 'VALIDATED');
    expect(order).toMatchObject({ customerId: requested.customerId, items: lines, totalMinor: 9898 });
    expect(order.history.map((h) => [h.from, h.to, h.cause])).toEqual([
      [null, 'PENDING', 'OrderRequested'],
      ['PENDING', 'VALIDATED', 'OrderRequested'],
    ]);
    expect(order.history[0]?.at).toBe(new Date(requested.occurredAt).toISOString());

    await service.handled('order.validate-order-on-order-requested', requested.eventId);
    const { rows } = await service.db.query(
      'select sku, quantity from orders.reservations where order_id = $1 order by sku',
      [orderId],
    );
    expect(rows).toEqual([
      { sku: 'SKU-FLTR-009', quantity: 2 },
      { sku: 'SKU-TRAY-010', quantity: 3 },
    ]);
    expect(await service.stockOf('SKU-TRAY-010')).toBe(37);
    // The duplicate has been handled (and dropped): had it emitted a second event, the
    // outbox would hold it now.
    await service.emittedOnce(orderId, 'order.order-validated.v1');
    expect(service.eventsOf(orderId, 'order.order-rejected.v1')).toHaveLength(0);
  });

  it('rejects an order for each reason, with nothing reserved, and emits OrderRejected', async () => {
    await service.setStock('SKU-RARE-012', 1);
    const cases = {
      UNKNOWN_SKU: [anOrderLine({ sku: 'SKU-NOPE-999', name: 'Nothing', quantity: 1, unitPriceMinor: 100 })],
      TOTAL_OVER_LIMIT: [
        anOrderLine({ sku: 'SKU-GRND-006', name: 'Hand coffee grinder', quantity: 15, unitPriceMinor: 6900 }),
      ],
      OUT_OF_STOCK: [
        anOrderLine({
          sku: 'SKU-RARE-012',
          name: 'Aged pu-erh cake, 357 g',
          quantity: 2,
          unitPriceMinor: 15900,
        }),
      ],
    };
    const orders = await Promise.all(
      Object.entries(cases).map(async ([reason, lines]) => ({
        reason,
        ...(await service.requestOrder(lines)),
      })),
    );
    const invalidId = service.newOrderId();
    const invalid = anOrderRequested({ aggregateId: invalidId, occurredAt: Date.now(), totalMinor: 1 });
    await service.produce('basket.order-requested.v1', invalid);
    orders.push({ reason: 'INVALID_ORDER', orderId: invalidId, requested: invalid });

    for (const { reason, orderId, requested } of orders) {
      const rejected = await service.waitForEvent(orderId, 'order.order-rejected.v1');
      expect(rejected, reason).toMatchObject({
        eventType: 'OrderRejected',
        sequence: 2,
        causationId: requested.eventId,
        customerId: requested.customerId,
        customerEmail: requested.customerEmail,
        reasonCode: reason,
        items: requested.items,
        totalMinor: requested.totalMinor,
        currency: requested.currency,
      });
      expect(rejected.reason.length, reason).toBeGreaterThan(0);
      const order = await service.waitForStatus(orderId, 'REJECTED');
      expect(order.history.at(-1)).toMatchObject({
        from: 'PENDING',
        to: 'REJECTED',
        reason: rejected.reason,
      });
      const { rowCount } = await service.db.query('select 1 from orders.reservations where order_id = $1', [
        orderId,
      ]);
      expect(rowCount, reason).toBe(0);
      expect(service.eventsOf(orderId, 'order.order-validated.v1')).toHaveLength(0);
    }
    const outOfStock = orders.find((o) => o.reason === 'OUT_OF_STOCK');
    expect(service.eventsOf(outOfStock?.orderId ?? '', 'order.order-rejected.v1')[0]?.event).toMatchObject({
      unavailableItems: [{ sku: 'SKU-RARE-012', requestedQuantity: 2, availableQuantity: 1 }],
    });
    expect(await service.stockOf('SKU-RARE-012')).toBe(1);
  });

  it('confirms a paid order with its shipping address once, however often PaymentProcessed comes', async () => {
    const { orderId, requested } = await service.requestOrder();
    // The payment service carries the flow's correlation id on, and so does the order service.
    const paid = aPaymentProcessed({
      ...service.ourNews(orderId),
      correlationId: requested.correlationId,
      amountMinor: requested.totalMinor,
    });
    await service.redeliver('payment.payment-processed.v1', paid);

    const confirmed = await service.waitForEvent(orderId, 'order.order-confirmed.v1');
    expect(confirmed).toMatchObject({
      eventType: 'OrderConfirmed',
      sequence: 3,
      correlationId: requested.correlationId,
      causationId: paid.eventId,
      ...carriedOver(requested),
      shippingAddress: requested.shippingAddress,
      paymentId: paid.paymentId,
    });
    await service.waitForStatus(orderId, 'CONFIRMED');
    await service.handled('order.confirm-order-on-payment-processed', paid.eventId);
    await service.emittedOnce(orderId, 'order.order-confirmed.v1');
    const { rows } = await service.db.query<{ version: number }>(
      'select version from orders.orders where id = $1',
      [orderId],
    );
    expect(rows[0]?.version).toBe(3);
  });

  it('parks news about an order it does not know yet in a retry topic, and applies it once the order exists', async () => {
    const orderId = service.newOrderId();
    const requested = anOrderRequested({ aggregateId: orderId, occurredAt: Date.now() });
    const paid = aPaymentProcessed({ ...service.ourNews(orderId), correlationId: requested.correlationId });
    await service.produce('payment.payment-processed.v1', paid);
    await eventually(`PaymentProcessed for the unknown order ${orderId} to be parked`, () =>
      service
        .output()
        .split('\n')
        .find((line) => line.includes('message parked in a retry topic') && line.includes(orderId)),
    );
    await service.produce('basket.order-requested.v1', requested);

    expect(await service.handled('order.confirm-order-on-payment-processed', paid.eventId)).toBe('applied');
    const order = await service.waitForStatus(orderId, 'CONFIRMED');
    expect(order.history.map((h) => h.to)).toEqual(['PENDING', 'VALIDATED', 'CONFIRMED']);
    // A payment service running for another test may have confirmed the order first (our
    // payment news waited in the retry topic meanwhile); either way it is confirmed once.
    await service.emittedOnce(orderId, 'order.order-confirmed.v1');
  });

  it('cancels an order whose payment failed and releases exactly the stock it reserved', async () => {
    await service.setStock('SKU-TRAY-010', 40);
    const { orderId, requested } = await service.requestOrder([
      anOrderLine({ sku: 'SKU-TRAY-010', name: 'Bamboo tea tray', quantity: 2, unitPriceMinor: 2900 }),
      anOrderLine({ sku: 'SKU-TRAY-010', name: 'Bamboo tea tray', quantity: 1, unitPriceMinor: 2900 }),
    ]);
    const failed = aPaymentFailed({ ...service.ourNews(orderId), reason: 'The card was declined.' });
    await service.redeliver('payment.payment-failed.v1', failed);
    const cancelled = await service.waitForEvent(orderId, 'order.order-cancelled.v1');
    expect(cancelled).toMatchObject({
      eventType: 'OrderCancelled',
      sequence: 3,
      causationId: failed.eventId,
      ...carriedOver(requested),
      reasonCode: 'PAYMENT_FAILED',
      reason: 'The card was declined.',
      totalMinor: 8700,
    });
    const order = await service.waitForStatus(orderId, 'CANCELLED');
    expect(order.history.at(-1)).toMatchObject({
      from: 'VALIDATED',
      to: 'CANCELLED',
      cause: 'PaymentFailed',
    });
    await service.handled('order.cancel-order-on-payment-failed', failed.eventId);
    expect(await service.stockOf('SKU-TRAY-010')).toBe(40);
    const { rowCount } = await service.db.query('select 1 from orders.reservations where order_id = $1', [
      orderId,
    ]);
    expect(rowCount).toBe(0);
  });
});
