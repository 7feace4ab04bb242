import type { Email, OrderTimeline, PlatformClient } from '@order-platform/e2e';
import type { Pool } from 'pg';

/** An order as its owner, the order service, has it. */
export interface OrderFact {
  status: string;
  /** When the order entered each status (ms since the epoch), from its history. */
  enteredAt: Record<string, number>;
  /** What it still holds in stock reservations (sold or reserved). */
  reserved: number;
}

/** An email as the SMTP sink received it. */
export interface EmailFact {
  kind: EmailKind;
  receivedAt: number;
}

export type EmailKind = 'confirmed' | 'cancelled' | 'rejected' | 'delivered';

/** An order as the read side shows it. */
export interface ViewFact {
  status: string;
  payment: 'PROCESSED' | 'FAILED' | null;
  emailKinds: string[];
}

export interface StockFact {
  sku: string;
  available: number;
  reserved: number;
}

/** The kind of an order email, from its subject (services/email's subjects). */
export function emailKindOf(subject: string): EmailKind | undefined {
  if (/has been cancelled/.test(subject)) return 'cancelled';
  if (/could not accept/.test(subject)) return 'rejected';
  if (/has been delivered/.test(subject)) return 'delivered';
  if (/is confirmed/.test(subject)) return 'confirmed';
  return undefined;
}

const ORDER_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Every order email in the sink, by order id. */
export function emailsByOrder(
  emails: (Email & { time?: string; date?: string })[],
): Map<string, EmailFact[]> {
  const byOrder = new Map<string, EmailFact[]>();
  for (const email of emails) {
    const orderId = ORDER_ID.exec(email.subject)?.[0];
    const kind = emailKindOf(email.subject);
    if (!orderId || !kind) continue;
    const receivedAt = Date.parse(email.time ?? email.date ?? '');
    const list = byOrder.get(orderId) ?? [];
    list.push({ kind, receivedAt });
    byOrder.set(orderId, list);
  }
  return byOrder;
}

/**
 * Reads what the system says about a set of orders, each from the place that owns it: the
 * order service's tables (through the admin connection), the provider's ledger, the SMTP
 * sink and the read side's HTTP API.
 */
export class SystemFacts {
  constructor(
    private readonly admin: Pool,
    private readonly client: PlatformClient,
  ) {}

  async orders(orderIds: string[]): Promise<Map<string, OrderFact>> {
    const facts = new Map<string, OrderFact>();
    const { rows } = await this.admin.query<{ id: string; status: string }>(
      'select id::text, status from orders.orders where id = any($1::uuid[])',
      [orderIds],
    );
    for (const row of rows) facts.set(row.id, { status: row.status, enteredAt: {}, reserved: 0 });
    const history = await this.admin.query<{ order_id: string; to_status: string; at: Date }>(
      'select order_id::text, to_status, at from orders.order_history where order_id = any($1::uuid[])',
      [orderIds],
    );
    for (const row of history.rows) {
      const fact = facts.get(row.order_id);
      if (fact) fact.enteredAt[row.to_status] = row.at.getTime();
    }
    const reservations = await this.admin.query<{ order_id: string; quantity: string }>(
      `select order_id::text, sum(quantity)::text as quantity from orders.reservations
       where order_id = any($1::uuid[]) group by order_id`,
      [orderIds],
    );
    for (const row of reservations.rows) {
      const fact = facts.get(row.order_id);
      if (fact) fact.reserved = Number(row.quantity);
    }
    return facts;
  }

  /** Per SKU: what is available and what orders hold (reserved or sold). */
  async stock(skus: readonly string[]): Promise<StockFact[]> {
    const { rows } = await this.admin.query<{ sku: string; available: number; reserved: string }>(
      `select s.sku, s.available,
              coalesce((select sum(r.quantity) from orders.reservations r where r.sku = s.sku), 0)::text as reserved
       from orders.stock s where s.sku = any($1) order by s.sku`,
      [skus],
    );
    return rows.map((r) => ({ sku: r.sku, available: r.available, reserved: Number(r.reserved) }));
  }

  /** The provider's charges per order (its own ledger), a few requests at a time. */
  async charges(orderIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    await inBatches(orderIds, 16, async (orderId) => {
      const { charges } = await this.client.charges(orderId);
      counts.set(orderId, charges.length);
    });
    return counts;
  }

  async emails(): Promise<Map<string, EmailFact[]>> {
    return emailsByOrder(await this.client.allEmails());
  }

  /** Orders whose view already shows their final status, counted in SQL (cheap enough to poll). */
  /** Each order's status in the read side and how many emails its page lists (its tables, directly). */
  async viewProgress(orderIds: string[]): Promise<Map<string, { status: string; emails: number }>> {
    const { rows } = await this.admin.query<{ order_id: string; status: string; emails: number }>(
      `select t.order_id::text, t.status,
              (select count(*)::int from views.order_timeline_emails e where e.order_id = t.order_id) as emails
         from views.order_timeline t where t.order_id = any($1::uuid[])`,
      [orderIds],
    );
    return new Map(rows.map((r) => [r.order_id, { status: r.status, emails: r.emails }]));
  }

  /** The read side's order pages, through its HTTP API as a customer reads them. */
  async views(orderIds: string[]): Promise<Map<string, ViewFact | undefined>> {
    const views = new Map<string, ViewFact | undefined>();
    await inBatches(orderIds, 16, async (orderId) => {
      const timeline: OrderTimeline | undefined = await this.client.timeline(orderId);
      views.set(
        orderId,
        timeline && {
          status: timeline.status,
          payment: timeline.payment?.status ?? null,
          emailKinds: timeline.emails.map((e) => e.kind),
        },
      );
    });
    return views;
  }
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}
