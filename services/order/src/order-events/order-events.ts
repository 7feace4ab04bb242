import type { TopicName } from '@order-platform/contracts';
import type { OutboxEvent } from '@order-platform/messaging';
import { type EventFields, outgoingEvent } from '@order-platform/service-kit';
import type { Order } from '../domain/order.aggregate';

/**
 * The outbox row of an event the order's latest change caused: its sequence is the order's
 * version after that change, the flow's correlation id and the causing event's id are
 * carried on.
 */
export function orderEvent<T extends TopicName>(
  topic: T,
  order: Order,
  cause: { eventId: string; correlationId: string },
  fields: EventFields<T>,
): OutboxEvent {
  return outgoingEvent(
    topic,
    order.snapshot,
    { correlationId: cause.correlationId, causationId: cause.eventId },
    fields,
  );
}

/** The fields most order events share, from the order's own state. */
export function orderFacts(order: Order) {
  const s = order.snapshot;
  return {
    customerId: s.customerId,
    customerEmail: s.customerEmail,
    items: s.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPriceMinor: l.unitPriceMinor,
    })),
    totalMinor: s.totalMinor,
    currency: s.currency,
  };
}
