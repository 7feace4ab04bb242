import { Controller, Get, Inject, Param, ServiceUnavailableException } from '@nestjs/common';
import { PG_POOL } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { type OrderStatus, STATUS_RANK } from '../views/order-status';
import { orderTimelineView } from '../views/order-timeline.view';
import { orderIdParam } from './query-parameters';
import { iso, positionsJson, type Positions, readView } from './read-view';

export interface TimelineEvent {
  eventId: string;
  eventType: string;
  topic: string;
  occurredAt: string;
  sequence: number;
  status: OrderStatus | null;
}

export interface OrderTimeline {
  orderId: string;
  /** false: the view has the order (see OrderPagePreparing for true). */
  preparing: false;
  customerId: string | null;
  customerEmail: string | null;
  status: OrderStatus;
  placedAt: string | null;
  updatedAt: string;
  items: { sku: string; name: string; quantity: number; unitPriceMinor: number }[];
  totalMinor: number | null;
  currency: string | null;
  payment: Record<string, unknown> | null;
  /** Why the order was rejected or cancelled. */
  outcome: Record<string, unknown> | null;
  /** Each status the order reached, with the time of the event that first put it there. */
  statusHistory: { status: OrderStatus; at: string; eventType: string }[];
  shipments: {
    shipmentId: string;
    carrier: string;
    trackingNumber: string;
    status: string;
    timeline: { status: string; at: string; location: string | null }[];
  }[];
  emails: { emailId: string; kind: string; recipient: string; subject: string; sentAt: string }[];
  events: TimelineEvent[];
  /** Per topic and partition, the offset the view has applied: how fresh this answer is. */
  position: Positions;
}

/**
 * The page of an order the view does not have yet: the read side is behind (restarted,
 * catching up, or its view being rebuilt) and the order's events are still on their way.
 * The emails link here without waiting for the read side (ARCHITECTURE "The read side"), so
 * a well-formed order id is never an error: the page says it is being prepared, with the
 * lists empty and `position` saying how far the view has read, and fills in as it catches up.
 */
export interface OrderPagePreparing {
  orderId: string;
  preparing: true;
  status: 'PREPARING';
  message: string;
  items: [];
  statusHistory: [];
  shipments: [];
  emails: [];
  events: [];
  position: Positions;
}

/** What `GET /orders/{orderId}/timeline` answers for a well-formed order id: `preparing` tells which. */
export type OrderPage = OrderTimeline | OrderPagePreparing;

export const PREPARING_MESSAGE = 'Your order page is being prepared; refresh in a moment to see it.';

export function preparingPage(orderId: string, position: Positions): OrderPagePreparing {
  return {
    orderId,
    preparing: true,
    status: 'PREPARING',
    message: PREPARING_MESSAGE,
    items: [],
    statusHistory: [],
    shipments: [],
    emails: [],
    events: [],
    position,
  };
}

type Row = Omit<OrderTimeline, 'statusHistory' | 'totalMinor' | 'preparing'> & {
  totalMinor: string | null;
  found: boolean;
};

const SQL = `
  select o.order_id is not null as found,
         o.order_id as "orderId", o.customer_id as "customerId", o.customer_email as "customerEmail",
         o.status, ${iso('o.placed_at')} as "placedAt", ${iso('o.updated_at')} as "updatedAt",
         coalesce(o.items, '[]'::jsonb) as items, o.total_minor as "totalMinor", o.currency,
         o.payment, o.outcome,
         (select coalesce(jsonb_agg(jsonb_build_object(
                    'eventId', e.event_id, 'eventType', e.event_type, 'topic', e.topic,
                    'occurredAt', ${iso('e.occurred_at')}, 'sequence', e.sequence, 'status', e.status)
                  order by e.occurred_at, e.sequence, e.event_id), '[]'::jsonb)
            from views.order_timeline_events e where e.order_id = o.order_id) as events,
         (select coalesce(jsonb_agg(jsonb_build_object(
                    'shipmentId', s.shipment_id, 'carrier', s.carrier, 'trackingNumber', s.tracking_number,
                    'status', s.status, 'timeline', s.timeline) order by s.shipment_id), '[]'::jsonb)
            from views.order_timeline_shipments s where s.order_id = o.order_id) as shipments,
         (select coalesce(jsonb_agg(jsonb_build_object(
                    'emailId', m.email_id, 'kind', m.kind, 'recipient', m.recipient, 'subject', m.subject,
                    'sentAt', ${iso('m.sent_at')}) order by m.sent_at, m.email_id), '[]'::jsonb)
            from views.order_timeline_emails m where m.order_id = o.order_id) as emails,
         ${positionsJson(orderTimelineView)} as position
  from (select 1) one left join views.order_timeline o on o.order_id = $1`;

/**
 * Each status the order reached, oldest first, at the time it first reached it: from the
 * events, and from the shipments' timelines, which each shipment event carries whole (so
 * a status whose own event was dropped as stale, or is still in a retry topic, shows too).
 */
export function statusHistory(
  events: readonly TimelineEvent[],
  shipments: OrderTimeline['shipments'],
): OrderTimeline['statusHistory'] {
  const first = new Map<OrderStatus, { status: OrderStatus; at: string; eventType: string }>();
  const consider = (status: OrderStatus, at: string, eventType: string) => {
    const known = first.get(status);
    if (!known || Date.parse(at) < Date.parse(known.at)) first.set(status, { status, at, eventType });
  };
  for (const event of events)
    if (event.status !== null) consider(event.status, event.occurredAt, event.eventType);
  for (const shipment of shipments) {
    for (const entry of shipment.timeline)
      consider(entry.status as OrderStatus, entry.at, 'ShipmentStatusChanged');
  }
  return [...first.values()].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at) || STATUS_RANK[a.status] - STATUS_RANK[b.status],
  );
}

/** The order's page: everything that happened to it, from the order timeline view. */
@Controller('orders')
export class OrderTimelineController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get(':orderId/timeline')
  async timeline(@Param('orderId', { schema: orderIdParam }) id: string): Promise<OrderPage> {
    let row: Row | undefined;
    try {
      row = await readView<Row>(this.pool, orderTimelineView, SQL, [id]);
    } catch (error) {
      // The view is not live (never built, or built by other code and waiting for its
      // replay; on a new system's first start even its bookkeeping tables may not exist
      // yet, 42P01): the other queries answer 503, but this is the page the emails link to.
      // GET /views and the service log tell the operator; the customer sees "being prepared".
      if (error instanceof ServiceUnavailableException || (error as { code?: unknown }).code === '42P01')
        return preparingPage(id, {});
      throw error;
    }
    if (!row?.found) return preparingPage(id, row?.position ?? {});
    const { found, ...rest } = row;
    return {
      ...rest,
      preparing: false,
      totalMinor: found && row.totalMinor !== null ? Number(row.totalMinor) : null,
      statusHistory: statusHistory(row.events, row.shipments),
    };
  }
}
