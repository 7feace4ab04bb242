import type { EventOf } from '@order-platform/contracts';
import { type ViewDefinition } from './view';

/** The UTC calendar day of an event time. */
export function utcDay(ms: number | Date): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Daily sales: per UTC day (of the confirmation or cancellation) and currency, how many
 * orders were confirmed and their revenue, and how many were cancelled and their amount.
 * Each order is counted once: its outcome row is inserted first, and only a new row adds
 * to the day's totals, so a repeated event changes nothing.
 */
export const dailySalesView: ViewDefinition = {
  name: 'daily-sales',
  version: 1,
  description: 'orders and revenue per day and currency, confirmed vs cancelled',
  topics: ['order.order-confirmed.v1', 'order.order-cancelled.v1'],
  tables: [
    {
      name: 'daily_sales_orders',
      key: 'order_id',
      ddl: (s) => `
        create table ${s}.daily_sales_orders (
          order_id uuid primary key,
          outcome text not null,
          day date not null,
          currency text not null,
          amount_minor bigint not null
        )`,
    },
    {
      name: 'daily_sales',
      key: 'day, currency',
      ddl: (s) => `
        create table ${s}.daily_sales (
          day date not null,
          currency text not null,
          confirmed_orders integer not null default 0,
          confirmed_revenue_minor bigint not null default 0,
          cancelled_orders integer not null default 0,
          cancelled_amount_minor bigint not null default 0,
          primary key (day, currency)
        )`,
    },
  ],
  async apply(tx, schema, topic, event) {
    const e = event as EventOf<'order.order-confirmed.v1'> | EventOf<'order.order-cancelled.v1'>;
    const confirmed = topic === 'order.order-confirmed.v1';
    const day = utcDay(e.occurredAt);
    const counted = await tx.query(
      `insert into ${schema}.daily_sales_orders (order_id, outcome, day, currency, amount_minor)
       values ($1, $2, $3, $4, $5) on conflict (order_id) do nothing`,
      [e.aggregateId, confirmed ? 'CONFIRMED' : 'CANCELLED', day, e.currency, e.totalMinor],
    );
    if (counted.rowCount === 0) return;
    await tx.query(
      `insert into ${schema}.daily_sales as t
         (day, currency, confirmed_orders, confirmed_revenue_minor, cancelled_orders, cancelled_amount_minor)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (day, currency) do update set
         confirmed_orders = t.confirmed_orders + excluded.confirmed_orders,
         confirmed_revenue_minor = t.confirmed_revenue_minor + excluded.confirmed_revenue_minor,
         cancelled_orders = t.cancelled_orders + excluded.cancelled_orders,
         cancelled_amount_minor = t.cancelled_amount_minor + excluded.cancelled_amount_minor`,
      confirmed ? [day, e.currency, 1, e.totalMinor, 0, 0] : [day, e.currency, 0, 0, 1, e.totalMinor],
    );
  },
};
