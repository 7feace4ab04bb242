import { type TopicName, TOPICS } from '@order-platform/contracts';
import { anEvent, aShipmentStatusChanged, DELIVERED_ORDER_PATH } from '@order-platform/contracts/testing';
import { describe, expect, it } from 'vitest';
import { type OrderStatus, STATUS_RANK, statusAfter } from './order-status';

const EXPECTED: Record<TopicName, OrderStatus | undefined> = {
  'basket.order-requested.v1': 'PENDING',
  'order.order-validated.v1': 'VALIDATED',
  'order.order-rejected.v1': 'REJECTED',
  'payment.payment-processed.v1': undefined,
  'payment.payment-failed.v1': undefined,
  'order.order-confirmed.v1': 'CONFIRMED',
  'order.order-cancelled.v1': 'CANCELLED',
  'shipping.shipment-status-changed.v1': 'IN_TRANSIT',
  'shipping.order-delivered.v1': 'DELIVERED',
  'order.order-completed.v1': 'DELIVERED',
  'email.email-sent.v1': undefined,
};

describe('statusAfter', () => {
  it.each(TOPICS.map((t) => t.topic))('knows what %s does to the order', (topic) => {
    expect(statusAfter(topic, anEvent(topic))).toBe(EXPECTED[topic]);
  });

  it('takes a shipment status change to the status it carries', () => {
    for (const status of ['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'] as const) {
      expect(statusAfter('shipping.shipment-status-changed.v1', aShipmentStatusChanged({ status }))).toBe(
        status,
      );
    }
  });
});

describe('STATUS_RANK', () => {
  it('grows along the happy path, so that the furthest status is the current one', () => {
    const path: OrderStatus[] = [...DELIVERED_ORDER_PATH];
    const ranks = path.map((s) => STATUS_RANK[s]);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(new Set(ranks).size).toBe(path.length);
  });

  it('puts the three outcomes of a validated order on one rank', () => {
    expect(STATUS_RANK.REJECTED).toBe(STATUS_RANK.CONFIRMED);
    expect(STATUS_RANK.CANCELLED).toBe(STATUS_RANK.CONFIRMED);
    expect(STATUS_RANK.REJECTED).toBeGreaterThan(STATUS_RANK.VALIDATED);
  });
});
