import { anOrderLine } from '@order-platform/contracts/testing';
import { describe, expect, it } from 'vitest';
import { Order, type OrderLine, OrderRuleError, type StockCheck, totalOf } from './order.aggregate';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 12, minute));
const limits = { maxTotalMinor: 100_000 };
const inStock: StockCheck = { unknownSkus: [], unavailable: [] };

function aPendingOrder(lines: OrderLine[] = [anOrderLine()], totalMinor = totalOf(lines)): Order {
  return Order.request({
    orderId: 'order-1',
    customerId: 'customer-42',
    customerEmail: 'ada@example.com',
    currency: 'EUR',
    lines,
    totalMinor,
    at: at(0),
  });
}

function aConfirmedOrder(): Order {
  const order = aPendingOrder();
  order.validate(inStock, limits, at(1));
  order.paymentProcessed('payment-1', at(2));
  return order;
}

describe('Order', () => {
  it('is validated when its lines exist, are in stock and its total is within the limit', () => {
    const order = aPendingOrder();
    expect(order.validate(inStock, limits, at(1))).toEqual({ kind: 'validated' });
    expect(order.status).toBe('VALIDATED');
    expect(order.snapshot.version).toBe(2);
    expect(order.snapshot.history.map((h) => [h.from, h.to])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'VALIDATED'],
    ]);
  });

  it.each([
    ['no lines', [], 0, inStock, 'INVALID_ORDER'],
    ['a zero quantity', [anOrderLine({ quantity: 0 })], 0, inStock, 'INVALID_ORDER'],
    ['a total that is not the sum of its lines', [anOrderLine()], 1, inStock, 'INVALID_ORDER'],
    [
      'an unknown SKU',
      [anOrderLine()],
      2500,
      { unknownSkus: ['SKU-TEA-001'], unavailable: [] },
      'UNKNOWN_SKU',
    ],
    [
      'a total over the limit',
      [anOrderLine({ quantity: 100, unitPriceMinor: 5000 })],
      500_000,
      inStock,
      'TOTAL_OVER_LIMIT',
    ],
    [
      'too little stock',
      [anOrderLine()],
      2500,
      { unknownSkus: [], unavailable: [{ sku: 'SKU-TEA-001', requestedQuantity: 2, availableQuantity: 1 }] },
      'OUT_OF_STOCK',
    ],
  ] as const)('is rejected for %s', (_, lines, total, check, reasonCode) => {
    const order = aPendingOrder([...lines], total);
    const change = order.validate(check, limits, at(1));
    expect(change).toMatchObject({ kind: 'rejected', reasonCode });
    expect(order.status).toBe('REJECTED');
    expect(order.snapshot.history.at(-1)?.reason).toBeTruthy();
  });

  it('names what is missing when it is out of stock', () => {
    const unavailable = [{ sku: 'SKU-TEA-001', requestedQuantity: 2, availableQuantity: 1 }];
    const change = aPendingOrder().validate({ unknownSkus: [], unavailable }, limits, at(1));
    expect(change).toEqual({
      kind: 'rejected',
      reasonCode: 'OUT_OF_STOCK',
      reason: 'Not enough stock (SKU-TEA-001: 2 ordered, 1 left).',
      unavailableItems: unavailable,
    });
  });

  it('is confirmed when paid, and cancelled with its stock released when payment fails', () => {
    expect(aConfirmedOrder().status).toBe('CONFIRMED');

    const failed = aPendingOrder();
    failed.validate(inStock, limits, at(1));
    const change = failed.paymentFailed('Card declined', at(2));
    expect(change).toEqual({ kind: 'cancelled', reason: 'Card declined', releaseStock: [anOrderLine()] });
    expect(failed.status).toBe('CANCELLED');
  });

  it('follows the shipment forward, skipping a step whose news never came', () => {
    const order = aConfirmedOrder();
    expect(order.shipmentProgressed('IN_TRANSIT', at(4), 'ShipmentStatusChanged')).toEqual({
      kind: 'shipment-progressed',
      status: 'IN_TRANSIT',
    });
    expect(order.status).toBe('IN_TRANSIT');
    expect(order.delivered('shipment-1', at(5), 'OrderDelivered')).toEqual({
      kind: 'completed',
      shipmentId: 'shipment-1',
      deliveredAt: at(5),
    });
    expect(order.snapshot.history.map((h) => h.to)).toEqual([
      'PENDING',
      'VALIDATED',
      'CONFIRMED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
  });

  it('never moves backwards: older shipment news after a newer state is no change', () => {
    const order = aConfirmedOrder();
    order.delivered('shipment-1', at(5), 'OrderDelivered');
    const version = order.snapshot.version;
    expect(order.shipmentProgressed('DISPATCHED', at(3), 'ShipmentStatusChanged')).toBeUndefined();
    expect(order.shipmentProgressed('IN_TRANSIT', at(4), 'ShipmentStatusChanged')).toBeUndefined();
    expect(order.delivered('shipment-1', at(5), 'OrderDelivered')).toBeUndefined();
    expect(order.status).toBe('DELIVERED');
    expect(order.snapshot.version).toBe(version);
  });

  it('keeps terminal states terminal', () => {
    const rejected = aPendingOrder([anOrderLine()], 2500);
    rejected.validate({ unknownSkus: ['SKU-TEA-001'], unavailable: [] }, limits, at(1));
    expect(rejected.paymentProcessed('payment-1', at(2))).toBeUndefined();
    expect(rejected.shipmentProgressed('DISPATCHED', at(3), 'ShipmentStatusChanged')).toBeUndefined();
    expect(rejected.status).toBe('REJECTED');

    const cancelled = aPendingOrder();
    cancelled.validate(inStock, limits, at(1));
    cancelled.paymentFailed('Card declined', at(2));
    expect(cancelled.paymentProcessed('payment-1', at(3))).toBeUndefined();
    expect(cancelled.status).toBe('CANCELLED');
  });

  it('treats a second payment answer as a late echo, and one before validation as a broken choreography', () => {
    const order = aConfirmedOrder();
    expect(order.paymentProcessed('payment-1', at(3))).toBeUndefined();
    expect(order.paymentFailed('late', at(3))).toBeUndefined();
    expect(order.status).toBe('CONFIRMED');

    expect(() => aPendingOrder().paymentProcessed('payment-1', at(1))).toThrow(OrderRuleError);
    expect(() => aPendingOrder().shipmentProgressed('DISPATCHED', at(1), 'ShipmentStatusChanged')).toThrow(
      OrderRuleError,
    );
    expect(() => aConfirmedOrder().validate(inStock, limits, at(3))).toThrow(/it is CONFIRMED, not PENDING/);
  });

  it('restores from a snapshot without sharing it', () => {
    const original = aConfirmedOrder();
    const copy = Order.restore(original.snapshot);
    copy.shipmentProgressed('DISPATCHED', at(3), 'ShipmentStatusChanged');
    expect(original.status).toBe('CONFIRMED');
    expect(copy.status).toBe('DISPATCHED');
  });
});
