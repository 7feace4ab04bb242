import type { PlatformClient } from '@order-platform/e2e';
import type { Pool } from 'pg';

/** Every schema with an outbox, by the service that owns it. */
export const OUTBOX_SCHEMAS = ['basket', 'orders', 'payment', 'shipping', 'email'] as const;
/** Every schema with a transactions table (the inbox). */
export const INBOX_SCHEMAS = ['basket', 'orders', 'payment', 'shipping', 'email', 'views'] as const;

const TERMINAL = new Set(['REJECTED', 'CANCELLED', 'DELIVERED']);

export interface Progress {
  orders: number;
  /** Final, with the read side showing the same status and the customer's emails sent. */
  finished: number;
  statuses: Map<string, number>;
}

/**
 * How far the orders got, read from the services' own tables (never through their APIs
 * while the load runs). An order has finished its lifecycle when the order service has it
 * in a final state, the order-timeline view shows that state, and its emails went out (a
 * delivered order two: confirmed and delivered).
 */
export async function progressOf(db: Pool, orderIds: readonly string[]): Promise<Progress> {
  const { rows } = await db.query<{ status: string; view_status: string | null; emails: number }>(
    `select o.status, v.status as view_status,
            (select count(*)::int from email.sent_emails e where e.order_id = o.id) as emails
       from orders.orders o left join views.order_timeline v on v.order_id = o.id
      where o.id = any($1::uuid[])`,
    [orderIds],
  );
  const statuses = new Map<string, number>();
  let finished = 0;
  for (const r of rows) {
    statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    const emails = r.status === 'DELIVERED' ? 2 : 1;
    if (TERMINAL.has(r.status) && r.view_status === r.status && r.emails >= emails) finished += 1;
  }
  return { orders: orderIds.length, finished, statuses };
}

/**
 * Gives each SKU at least `units` in stock, so that a step measures orders that go through
 * rather than rejections for want of stock (earlier runs use it up). Writes the order
 * service's stock table directly: its admin API is off outside tests.
 */
export async function ensureStock(db: Pool, skus: readonly string[], units: number): Promise<void> {
  await db.query('update orders.stock set available = greatest(available, $2) where sku = any($1::text[])', [
    skus,
    units,
  ]);
}

export interface OutboxRow {
  service: string;
  eventId: string;
  topic: string;
  type: string;
  orderId: string;
  /** Commit time of the transaction that wrote the row (ms, database clock). */
  committedMs: number;
  bytes: number;
}

export interface InboxRow {
  service: string;
  group: string;
  eventId: string;
  topic: string;
  orderId: string;
  committedMs: number;
}

export interface OrderRecords {
  outbox: OutboxRow[];
  inbox: InboxRow[];
  /** When the provider answered the order's last charge attempt (its own clock, ms). */
  charged: Map<string, number>;
}

const ms = (column: string) => `extract(epoch from ${column}) * 1000`;

/**
 * The orders' footprints in every service: outbox rows and transactions-table rows with
 * the commit time of the transaction that wrote them (track_commit_timestamp); and from the
 * provider (simulator) when it answered each charge.
 */
export async function recordsOf(
  db: Pool,
  provider: PlatformClient,
  orderIds: readonly string[],
): Promise<OrderRecords> {
  const outbox = await db.query<Omit<OutboxRow, 'committedMs'> & { committed_ms: number }>(
    OUTBOX_SCHEMAS.map(
      (s) =>
        `select '${s}' as service, id::text as "eventId", topic, type, aggregateid as "orderId",
                length(payload) as bytes, ${ms('pg_xact_commit_timestamp(xmin)')} as committed_ms
           from ${s}.outbox where aggregateid = any($1::text[])`,
    ).join(' union all '),
    [orderIds],
  );
  const inbox = await db.query<Omit<InboxRow, 'committedMs'> & { committed_ms: number }>(
    INBOX_SCHEMAS.map(
      (s) =>
        `select '${s}' as service, consumer_group as "group", message_id::text as "eventId", topic,
                aggregate_id as "orderId", ${ms('pg_xact_commit_timestamp(xmin)')} as committed_ms
           from ${s}.message_transactions where aggregate_id = any($1::text[])`,
    ).join(' union all '),
    [orderIds],
  );
  return {
    outbox: outbox.rows.map(({ committed_ms, ...r }) => ({ ...r, committedMs: Number(committed_ms) })),
    inbox: inbox.rows.map(({ committed_ms, ...r }) => ({ ...r, committedMs: Number(committed_ms) })),
    charged: await chargeTimes(provider, orderIds),
  };
}

/** A few requests at a time: this runs after the load, and must not become one itself. */
async function chargeTimes(
  provider: PlatformClient,
  orderIds: readonly string[],
): Promise<Map<string, number>> {
  const charged = new Map<string, number>();
  let next = 0;
  const worker = async () => {
    while (next < orderIds.length) {
      const orderId = orderIds[next++]!;
      const last = (await provider.charges(orderId)).attempts.at(-1);
      if (last) charged.set(orderId, Date.parse(last.at));
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return charged;
}
