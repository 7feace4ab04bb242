import { type AnyEvent, type EventOf, type TopicName, TOPICS } from '@order-platform/contracts';
import type { PoolClient } from 'pg';
import { FURTHEST_STATUS, STATUS_RANK, statusAfter } from './order-status';
import { at, type ViewDefinition, type ViewSchema, viewTable } from './view';

type Line = EventOf<'basket.order-requested.v1'>['items'][number];

/** What an event tells about the order itself; undefined fields leave the stored ones alone. */
interface OrderFacts {
  customerId?: string;
  customerEmail?: string;
  placedAt?: Date;
  items?: Line[];
  totalMinor?: number;
  currency?: string;
  payment?: Record<string, unknown>;
  outcome?: Record<string, unknown>;
}

function factsOf(topic: TopicName, event: AnyEvent): OrderFacts {
  const e = event as Partial<EventOf<'order.order-rejected.v1'>> &
    Partial<EventOf<'basket.order-requested.v1'>>;
  const facts: OrderFacts = {
    ...(e.customerId === undefined ? {} : { customerId: e.customerId }),
    ...(e.customerEmail === undefined ? {} : { customerEmail: e.customerEmail }),
    ...(e.items === undefined ? {} : { items: e.items }),
    ...(e.totalMinor === undefined ? {} : { totalMinor: e.totalMinor }),
    ...(e.currency === undefined ? {} : { currency: e.currency }),
  };
  switch (topic) {
    case 'basket.order-requested.v1':
      facts.placedAt = at(event.occurredAt);
      break;
    case 'payment.payment-processed.v1':
    case 'payment.payment-failed.v1': {
      const p = event as EventOf<'payment.payment-processed.v1'> &
        Partial<Pick<EventOf<'payment.payment-failed.v1'>, 'reasonCode' | 'reason'>>;
      facts.payment = {
        status: topic === 'payment.payment-processed.v1' ? 'PROCESSED' : 'FAILED',
        paymentId: p.paymentId,
        amountMinor: p.amountMinor,
        currency: p.currency,
        providerReference: p.providerReference,
        ...(p.reasonCode === undefined ? {} : { reasonCode: p.reasonCode, reason: p.reason }),
        at: at(p.occurredAt).toISOString(),
      };
      break;
    }
    case 'order.order-rejected.v1': {
      const r = event as EventOf<'order.order-rejected.v1'>;
      facts.outcome = { reasonCode: r.reasonCode, reason: r.reason, unavailableItems: r.unavailableItems };
      break;
    }
    case 'order.order-cancelled.v1': {
      const c = event as EventOf<'order.order-cancelled.v1'>;
      facts.outcome = { reasonCode: c.reasonCode, reason: c.reason };
      break;
    }
    default:
      break;
  }
  return facts;
}

async function upsertOrder(
  tx: PoolClient,
  schema: ViewSchema,
  topic: TopicName,
  event: AnyEvent,
): Promise<void> {
  const status = statusAfter(topic, event);
  const f = factsOf(topic, event);
  // Every column is first-come (the events agree on them) or furthest-wins, so the row
  // ends the same whatever order the events come in.
  await tx.query(
    `insert into ${schema}.order_timeline as t
       (order_id, customer_id, customer_email, placed_at, items, total_minor, currency,
        status, status_rank, payment, outcome, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 'PENDING'), coalesce($9, -1), $10, $11, $12)
     on conflict (order_id) do update set
       customer_id = coalesce(t.customer_id, excluded.customer_id),
       customer_email = coalesce(t.customer_email, excluded.customer_email),
       placed_at = coalesce(t.placed_at, excluded.placed_at),
       items = coalesce(t.items, excluded.items),
       total_minor = coalesce(t.total_minor, excluded.total_minor),
       currency = coalesce(t.currency, excluded.currency),
       payment = case when t.payment is null or (excluded.payment is not null
                        and (excluded.payment ->> 'at', excluded.payment::text) > (t.payment ->> 'at', t.payment::text))
                      then coalesce(excluded.payment, t.payment) else t.payment end,
       outcome = coalesce(t.outcome, excluded.outcome),
       ${FURTHEST_STATUS},
       updated_at = greatest(t.updated_at, excluded.updated_at)`,
    [
      event.aggregateId,
      f.customerId ?? null,
      f.customerEmail ?? null,
      f.placedAt ?? null,
      f.items === undefined ? null : JSON.stringify(f.items),
      f.totalMinor ?? null,
      f.currency ?? null,
      status ?? null,
      status === undefined ? null : STATUS_RANK[status],
      f.payment === undefined ? null : JSON.stringify(f.payment),
      f.outcome === undefined ? null : JSON.stringify(f.outcome),
      at(event.occurredAt),
    ],
  );
}

async function upsertShipment(
  tx: PoolClient,
  schema: ViewSchema,
  event: EventOf<'shipping.shipment-status-changed.v1'> | EventOf<'shipping.order-delivered.v1'>,
  status: 'DISPATCHED' | 'IN_TRANSIT' | 'DELIVERED',
): Promise<void> {
  // Each event carries the shipment's whole timeline so far: the furthest one is the truth.
  const timeline = event.timeline.map((entry) => ({
    status: entry.status,
    at: at(entry.at).toISOString(),
    location: entry.location,
  }));
  await tx.query(
    `insert into ${schema}.order_timeline_shipments as t
       (shipment_id, order_id, carrier, tracking_number, status, status_rank, timeline)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (shipment_id) do update set
       timeline = case when (excluded.status_rank, jsonb_array_length(excluded.timeline), excluded.timeline::text)
                          > (t.status_rank, jsonb_array_length(t.timeline), t.timeline::text)
                       then excluded.timeline else t.timeline end,
       ${FURTHEST_STATUS}`,
    [
      event.shipmentId,
      event.aggregateId,
      event.carrier,
      event.trackingNumber,
      status,
      STATUS_RANK[status],
      JSON.stringify(timeline),
    ],
  );
}

async function insertEmails(
  tx: PoolClient,
  schema: ViewSchema,
  event: EventOf<'email.email-sent.v1'>,
): Promise<void> {
  // EmailSent carries the order's whole email history: insert what is new.
  for (const email of event.history) {
    await tx.query(
      `insert into ${schema}.order_timeline_emails (email_id, order_id, kind, recipient, subject, sent_at)
       values ($1, $2, $3, $4, $5, $6) on conflict (email_id) do nothing`,
      [email.emailId, event.aggregateId, email.kind, email.recipient, email.subject, at(email.sentAt)],
    );
  }
}

/**
 * Order timeline: one row per order (status, items, totals, payment result, why it was
 * rejected or cancelled), every event with its own time and the status it led to, every
 * shipment with its status timeline, every email sent. Served by
 * `GET /orders/{orderId}/timeline`, the page the emails link to.
 */
export const orderTimelineView: ViewDefinition = {
  name: 'order-timeline',
  version: 1,
  description: "an order's status history, items, totals, payment, shipments and emails",
  topics: TOPICS.map((t) => t.topic),
  tables: [
    viewTable(
      'order_timeline',
      'order_id',
      `
        order_id uuid primary key,
        customer_id text,
        customer_email text,
        placed_at timestamptz,
        items jsonb,
        total_minor bigint,
        currency text,
        status text not null,
        status_rank integer not null,
        payment jsonb,
        outcome jsonb,
        updated_at timestamptz not null`,
    ),
    viewTable(
      'order_timeline_events',
      'event_id',
      `
        event_id uuid primary key,
        order_id uuid not null,
        topic text not null,
        event_type text not null,
        occurred_at timestamptz not null,
        sequence bigint not null,
        status text`,
      { by_order: '(order_id, occurred_at)' },
    ),
    viewTable(
      'order_timeline_shipments',
      'shipment_id',
      `
        shipment_id uuid primary key,
        order_id uuid not null,
        carrier text not null,
        tracking_number text not null,
        status text not null,
        status_rank integer not null,
        timeline jsonb not null`,
      { by_order: '(order_id)' },
    ),
    viewTable(
      'order_timeline_emails',
      'email_id',
      `
        email_id uuid primary key,
        order_id uuid not null,
        kind text not null,
        recipient text not null,
        subject text not null,
        sent_at timestamptz not null`,
      { by_order: '(order_id)' },
    ),
  ],
  async apply(tx, schema, topic, event) {
    const status = statusAfter(topic, event);
    await tx.query(
      `insert into ${schema}.order_timeline_events
         (event_id, order_id, topic, event_type, occurred_at, sequence, status)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (event_id) do nothing`,
      [
        event.eventId,
        event.aggregateId,
        topic,
        event.eventType,
        at(event.occurredAt),
        event.sequence,
        status ?? null,
      ],
    );
    await upsertOrder(tx, schema, topic, event);
    if (topic === 'shipping.shipment-status-changed.v1') {
      const e = event as EventOf<'shipping.shipment-status-changed.v1'>;
      await upsertShipment(tx, schema, e, e.status);
    } else if (topic === 'shipping.order-delivered.v1') {
      await upsertShipment(tx, schema, event as EventOf<'shipping.order-delivered.v1'>, 'DELIVERED');
    } else if (topic === 'email.email-sent.v1') {
      await insertEmails(tx, schema, event as EventOf<'email.email-sent.v1'>);
    }
  },
};
