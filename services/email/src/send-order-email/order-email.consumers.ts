import type { EventOf } from '@order-platform/contracts';
import { sliceConsumers, topicHandler } from '@order-platform/service-kit';
import type { EmailKind, OrderEmailFacts } from '../domain/order-email';
import { SendOrderEmail, type SendOrderEmailCommand } from './send-order-email.handler';

type OrderEvent = EventOf<
  | 'order.order-confirmed.v1'
  | 'order.order-cancelled.v1'
  | 'order.order-rejected.v1'
  | 'order.order-completed.v1'
>;

function command(
  kind: EmailKind,
  event: OrderEvent,
  extra: Pick<OrderEmailFacts, 'reason' | 'deliveredAt'> = {},
): SendOrderEmailCommand {
  return {
    facts: {
      orderId: event.aggregateId,
      kind,
      recipient: event.customerEmail,
      items: event.items,
      totalMinor: event.totalMinor,
      currency: event.currency,
      ...extra,
    },
    cause: { correlationId: event.correlationId, causationId: event.eventId },
  };
}

/**
 * One consumer group per event, so that a slow or failing kind of email does not hold up
 * the others. OrderCompleted rather than OrderDelivered triggers the delivery email: it
 * means the order service has recorded the delivery, so the linked page already shows it.
 */
export const orderEmailConsumers = sliceConsumers(SendOrderEmail, (send) => [
  {
    groupId: 'email.send-on-order-confirmed',
    handlers: [
      topicHandler('order.order-confirmed.v1', ({ tx, event }) =>
        send.handle(tx, command('ORDER_CONFIRMED', event)),
      ),
    ],
  },
  {
    groupId: 'email.send-on-order-cancelled',
    handlers: [
      topicHandler('order.order-cancelled.v1', ({ tx, event }) =>
        send.handle(tx, command('ORDER_CANCELLED', event, { reason: event.reason })),
      ),
    ],
  },
  {
    groupId: 'email.send-on-order-rejected',
    handlers: [
      topicHandler('order.order-rejected.v1', ({ tx, event }) =>
        send.handle(tx, command('ORDER_REJECTED', event, { reason: event.reason })),
      ),
    ],
  },
  {
    groupId: 'email.send-on-order-completed',
    handlers: [
      topicHandler('order.order-completed.v1', ({ tx, event }) =>
        send.handle(tx, command('ORDER_DELIVERED', event, { deliveredAt: event.deliveredAt })),
      ),
    ],
  },
]);
