import type { EventOf } from '@order-platform/contracts';
import { type ViewDefinition, viewTable } from './view';

/** The UTC calendar day of an event time. */
export function utcDay(ms: number | Date): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Daily sales: per UTC day (of the confirmation or cancellation) and currency, how many
 * orders were confirmed and their revenue, and how many were cancelled and their amount.
 * The view keeps one row per decided order (the first decision an order's events carry;
 * a repeated event changes nothing) and the query sums a day's rows through the
 * (day, currency) index. Keeping running totals per day instead would make every order
 * of a day update one row: the projector's partitions would queue on that row's lock.
 */
export const dailySalesView: ViewDefinition = {
  name: 'daily-sales',
  version: 1,
  description: 'orders and revenue per day and currency, confirmed vs cancelled',
  topics: ['order.order-confirmed.v1', 'order.order-cancelled.v1'],
  tables: [
    viewTable(
      'daily_sales_orders',
      'order_id',
      `
        order_id uuid primary key,
        outcome text not null,
        day date not null,
        currency text not null,
        amount_minor bigint not null`,
      { by_day: '(day, currency) include (outcome, amount_minor)' },
    ),
  ],
  async apply(tx, schema, topic, event) {
    const e = event as EventOf<'order.order-confirmed.v1'> | EventOf<'order.order-cancelled.v1'>;
    // An order is confirmed or cancelled, never both; were both ever published, the
    // furthest-along outcome by name would win in any order (CONFIRMED > CANCELLED).
    await tx.query(
      `insert into ${schema}.daily_sales_orders as t (order_id, outcome, day, currency, amount_minor)
       values ($1, $2, $3, $4, $5)
       on conflict (order_id) do update set
         outcome = excluded.outcome, day = excluded.day, currency = excluded.currency,
         amount_minor = excluded.amount_minor
         where excluded.outcome > t.outcome`,
      [
        e.aggregateId,
        topic === 'order.order-confirmed.v1' ? 'CONFIRMED' : 'CANCELLED',
        utcDay(e.occurredAt),
        e.currency,
        e.totalMinor,
      ],
    );
  },
};
