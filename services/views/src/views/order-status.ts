import type { AnyEvent, TopicName } from '@order-platform/contracts';

/**
 * Each status the read side shows (the order service's states) and how far along it is. A
 * status never moves backwards (ARCHITECTURE "Order states"), so the furthest one seen is
 * the current one whatever order the events were read in. REJECTED, CONFIRMED and
 * CANCELLED share a rank: an order reaches only one.
 */
export const STATUS_RANK = {
  PENDING: 0,
  VALIDATED: 1,
  REJECTED: 2,
  CONFIRMED: 2,
  CANCELLED: 2,
  DISPATCHED: 3,
  IN_TRANSIT: 4,
  DELIVERED: 5,
} as const satisfies Readonly<Record<string, number>>;

/** An order's status as the read side shows it. */
export type OrderStatus = keyof typeof STATUS_RANK;

/** The status an event puts the order in, or undefined for one that changes none (payments, emails). */
export function statusAfter(topic: TopicName, event: AnyEvent): OrderStatus | undefined {
  switch (topic) {
    case 'basket.order-requested.v1':
      return 'PENDING';
    case 'order.order-validated.v1':
      return 'VALIDATED';
    case 'order.order-rejected.v1':
      return 'REJECTED';
    case 'order.order-confirmed.v1':
      return 'CONFIRMED';
    case 'order.order-cancelled.v1':
      return 'CANCELLED';
    case 'shipping.shipment-status-changed.v1':
      return (event as { status: OrderStatus }).status;
    case 'shipping.order-delivered.v1':
    case 'order.order-completed.v1':
      return 'DELIVERED';
    case 'payment.payment-processed.v1':
    case 'payment.payment-failed.v1':
    case 'email.email-sent.v1':
      return undefined;
  }
}

/**
 * The SQL that keeps the furthest status of two rows, `t` (stored) and `excluded` (new):
 * by rank, then by name so that equal ranks give the same answer in any order.
 */
export const FURTHEST_STATUS = `
  status = case when (excluded.status_rank, excluded.status) > (t.status_rank, t.status)
                then excluded.status else t.status end,
  status_rank = greatest(t.status_rank, excluded.status_rank)`;
