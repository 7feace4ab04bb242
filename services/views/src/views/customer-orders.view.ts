import type { TopicName } from '@order-platform/contracts';
import { FURTHEST_STATUS, STATUS_RANK, statusAfter } from './order-status';
import { at, type ViewDefinition, viewTable } from './view';

const TOPICS: readonly TopicName[] = [
  'basket.order-requested.v1',
  'order.order-validated.v1',
  'order.order-rejected.v1',
  'order.order-confirmed.v1',
  'order.order-cancelled.v1',
  'shipping.shipment-status-changed.v1',
  'shipping.order-delivered.v1',
  'order.order-completed.v1',
];

/**
 * A customer's orders: one row per order with its status and total, listed newest first
 * (by the time the order was placed) by `GET /customers/{customerId}/orders`.
 */
export const customerOrdersView: ViewDefinition = {
  name: 'customer-orders',
  version: 1,
  description: "a customer's orders, newest first, with status and total",
  topics: TOPICS,
  tables: [
    viewTable(
      'customer_orders',
      'order_id',
      `
        order_id uuid primary key,
        customer_id text,
        placed_at timestamptz,
        status text not null,
        status_rank integer not null,
        total_minor bigint,
        currency text`,
      { by_customer: '(customer_id, placed_at desc, order_id desc)' },
    ),
  ],
  async apply(tx, schema, topic, event) {
    const status = statusAfter(topic, event);
    if (status === undefined) return;
    const e = event as { customerId?: string; totalMinor?: number; currency?: string };
    await tx.query(
      `insert into ${schema}.customer_orders as t
         (order_id, customer_id, placed_at, status, status_rank, total_minor, currency)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (order_id) do update set
         customer_id = coalesce(t.customer_id, excluded.customer_id),
         placed_at = coalesce(t.placed_at, excluded.placed_at),
         total_minor = coalesce(t.total_minor, excluded.total_minor),
         currency = coalesce(t.currency, excluded.currency),
         ${FURTHEST_STATUS}`,
      [
        event.aggregateId,
        e.customerId ?? null,
        topic === 'basket.order-requested.v1' ? at(event.occurredAt) : null,
        status,
        STATUS_RANK[status],
        e.totalMinor ?? null,
        e.currency ?? null,
      ],
    );
  },
};
