import { randomUUID } from 'node:crypto';
import type { AnyEvent, EventOf, TopicName } from '@order-platform/contracts';
import {
  aPaymentFailed,
  aPaymentProcessed,
  aSentEmail,
  aShipmentStatusChanged,
  anEmailSent,
  anOrderCancelled,
  anOrderCompleted,
  anOrderConfirmed,
  anOrderDelivered,
  anOrderRejected,
  anOrderRequested,
  anOrderValidated,
  type SentEmail,
} from '@order-platform/contracts/testing';

export type Outcome = 'DELIVERED' | 'CANCELLED' | 'REJECTED';

export interface PublishedEvent {
  topic: TopicName;
  event: AnyEvent;
}

export interface WorkloadOrder {
  orderId: string;
  customerId: string;
  outcome: Outcome;
  currency: string;
  totalMinor: number;
  /** The UTC day of its confirmation or cancellation. */
  day: string;
  events: PublishedEvent[];
}

const MINUTE = 60_000;

/**
 * The events of one order's whole life, as the services would publish them, for one
 * outcome. Times start at `start` and move a minute per step.
 */
export function orderLife(
  outcome: Outcome,
  customerId: string,
  start: number,
  currency = 'EUR',
): WorkloadOrder {
  const orderId = randomUUID();
  const correlationId = randomUUID();
  let step = 0;
  const env = (sequence: number) => ({
    aggregateId: orderId,
    correlationId,
    sequence,
    occurredAt: start + step++ * MINUTE,
  });
  const customer = { customerId, customerEmail: `${customerId}@example.com` };
  const requested = anOrderRequested({ ...env(1), ...customer, currency });
  const priced = { items: requested.items, totalMinor: requested.totalMinor, currency };
  const events: PublishedEvent[] = [{ topic: 'basket.order-requested.v1', event: requested }];
  const add = <T extends TopicName>(topic: T, event: EventOf<T>) => {
    events.push({ topic, event: event });
    return event;
  };
  const email = (kind: SentEmail['kind'], sequence: number, earlier: SentEmail[]) =>
    add(
      'email.email-sent.v1',
      anEmailSent(
        {
          ...env(sequence),
          kind,
          recipient: customer.customerEmail,
          history: [
            ...earlier,
            aSentEmail({ kind, recipient: customer.customerEmail, sentAt: start + step * MINUTE }),
          ],
        },
        earlier,
      ),
    );
  let decidedAt: number;
  if (outcome === 'REJECTED') {
    decidedAt = start + step * MINUTE;
    add('order.order-rejected.v1', anOrderRejected({ ...env(1), ...customer, ...priced }));
    email('ORDER_REJECTED', 1, []);
  } else {
    add('order.order-validated.v1', anOrderValidated({ ...env(1), customerId, ...priced }));
    if (outcome === 'CANCELLED') {
      add(
        'payment.payment-failed.v1',
        aPaymentFailed({ ...env(1), amountMinor: priced.totalMinor, currency }),
      );
      decidedAt = start + step * MINUTE;
      add('order.order-cancelled.v1', anOrderCancelled({ ...env(2), ...customer, ...priced }));
      email('ORDER_CANCELLED', 1, []);
    } else {
      const paid = add(
        'payment.payment-processed.v1',
        aPaymentProcessed({ ...env(1), amountMinor: priced.totalMinor, currency }),
      );
      decidedAt = start + step * MINUTE;
      add(
        'order.order-confirmed.v1',
        anOrderConfirmed({ ...env(2), ...customer, ...priced, paymentId: paid.paymentId }),
      );
      const confirmed = email('ORDER_CONFIRMED', 1, []);
      const shipmentId = randomUUID();
      // Each shipment event carries the timeline so far, stamped with the events' own times.
      const timeline: EventOf<'shipping.shipment-status-changed.v1'>['timeline'] = [];
      for (const [i, status] of (['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'] as const).entries()) {
        const e = env(i + 1);
        timeline.push({ status, at: e.occurredAt, location: status === 'DISPATCHED' ? 'Berlin hub' : null });
        add(
          'shipping.shipment-status-changed.v1',
          aShipmentStatusChanged({ ...e, shipmentId, status, timeline: [...timeline] }),
        );
      }
      const delivered = add(
        'shipping.order-delivered.v1',
        anOrderDelivered({ ...env(4), shipmentId, timeline: [...timeline], deliveredAt: timeline[2]!.at }),
      );
      add(
        'order.order-completed.v1',
        anOrderCompleted({
          ...env(3),
          ...customer,
          ...priced,
          shipmentId,
          deliveredAt: delivered.deliveredAt,
        }),
      );
      email('ORDER_DELIVERED', 2, confirmed.history);
    }
  }
  return {
    orderId,
    customerId,
    outcome,
    currency,
    totalMinor: priced.totalMinor,
    day: new Date(decidedAt).toISOString().slice(0, 10),
    events,
  };
}

/** `count` orders: 70% delivered, 15% cancelled, 15% rejected, EUR and USD, a few per customer. */
export function mixedWorkload(
  count: number,
  start: number,
  customerPrefix = `customer-${randomUUID()}`,
): WorkloadOrder[] {
  const orders: WorkloadOrder[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 20;
    const outcome: Outcome = kind < 14 ? 'DELIVERED' : kind < 17 ? 'CANCELLED' : 'REJECTED';
    orders.push(
      orderLife(outcome, `${customerPrefix}-${i % 7}`, start + i * 1000, i % 3 === 0 ? 'USD' : 'EUR'),
    );
  }
  return orders;
}
