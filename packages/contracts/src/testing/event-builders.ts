import { randomUUID } from 'node:crypto';
import type { EventEnvelope, EventOf, TopicName } from '../catalogue';
import { topicSpec } from '../catalogue';

/**
 * Test-data builders: a valid event of every topic, with fresh ids and consistent amounts,
 * which a test overrides only where it cares. Nested types are named by where they occur
 * in the generated event types, so nothing here restates a schema.
 */

export type OrderLine = EventOf<'basket.order-requested.v1'>['items'][number];
export type Address = EventOf<'basket.order-requested.v1'>['shippingAddress'];
export type ShipmentStatus = EventOf<'shipping.shipment-status-changed.v1'>['status'];
export type ShipmentStatusEntry = EventOf<'shipping.shipment-status-changed.v1'>['timeline'][number];
export type EmailKind = EventOf<'email.email-sent.v1'>['kind'];
export type SentEmail = EventOf<'email.email-sent.v1'>['history'][number];

type Overrides<T extends TopicName> = Partial<EventOf<T>>;

/** A fixed instant (2026-03-01T10:00:00Z), so that builders give repeatable times. */
export const BASE_TIME = Date.UTC(2026, 2, 1, 10, 0, 0);
const HOUR = 3_600_000;

export function anOrderLine(overrides: Partial<OrderLine> = {}): OrderLine {
  return {
    sku: 'SKU-TEA-001',
    name: 'Sencha green tea, 100 g',
    quantity: 2,
    unitPriceMinor: 1250,
    ...overrides,
  };
}

export function anAddress(overrides: Partial<Address> = {}): Address {
  return {
    recipientName: 'Ada Lovelace',
    line1: 'Hauptstraße 1',
    line2: null,
    city: 'Berlin',
    postalCode: '10115',
    region: null,
    countryCode: 'DE',
    ...overrides,
  };
}

/** What lines cost in total, in minor units. */
export function totalOf(lines: readonly OrderLine[]): number {
  return lines.reduce((sum, line) => sum + line.quantity * line.unitPriceMinor, 0);
}

/** The timeline of a shipment that has reached `status`, one entry per step, an hour apart. */
export function aTimeline(status: ShipmentStatus, start = BASE_TIME): ShipmentStatusEntry[] {
  const steps: ShipmentStatus[] = ['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'];
  return steps.slice(0, steps.indexOf(status) + 1).map((step, i) => ({
    status: step,
    at: start + i * HOUR,
    location: step === 'DISPATCHED' ? 'Berlin hub' : null,
  }));
}

/** The envelope of an event of `topic`: new event id, order and flow ids, sequence 1. */
export function anEnvelope(topic: TopicName, overrides: Partial<EventEnvelope> = {}): EventEnvelope {
  return {
    eventId: randomUUID(),
    eventType: topicSpec(topic).eventType,
    occurredAt: BASE_TIME,
    aggregateId: randomUUID(),
    sequence: 1,
    correlationId: randomUUID(),
    causationId: randomUUID(),
    ...overrides,
  };
}

const customer = { customerId: 'customer-42', customerEmail: 'ada@example.com' } as const;
const lines = () => [
  anOrderLine(),
  anOrderLine({ sku: 'SKU-MUG-002', name: 'Stoneware mug', quantity: 1, unitPriceMinor: 1899 }),
];
const priced = () => {
  const items = lines();
  return { items, totalMinor: totalOf(items), currency: 'EUR' };
};

export function anOrderRequested(
  o: Overrides<'basket.order-requested.v1'> = {},
): EventOf<'basket.order-requested.v1'> {
  return {
    ...anEnvelope('basket.order-requested.v1'),
    basketId: randomUUID(),
    ...customer,
    shippingAddress: anAddress(),
    paymentToken: 'tok_ok',
    ...priced(),
    ...o,
  };
}

export function anOrderValidated(
  o: Overrides<'order.order-validated.v1'> = {},
): EventOf<'order.order-validated.v1'> {
  return {
    ...anEnvelope('order.order-validated.v1'),
    customerId: customer.customerId,
    paymentToken: 'tok_ok',
    ...priced(),
    ...o,
  };
}

export function anOrderRejected(
  o: Overrides<'order.order-rejected.v1'> = {},
): EventOf<'order.order-rejected.v1'> {
  return {
    ...anEnvelope('order.order-rejected.v1'),
    ...customer,
    reasonCode: 'OUT_OF_STOCK',
    reason: 'Not enough Sencha green tea, 100 g in stock: 2 ordered, 1 left.',
    unavailableItems: [{ sku: 'SKU-TEA-001', requestedQuantity: 2, availableQuantity: 1 }],
    ...priced(),
    ...o,
  };
}

export function aPaymentProcessed(
  o: Overrides<'payment.payment-processed.v1'> = {},
): EventOf<'payment.payment-processed.v1'> {
  return {
    ...anEnvelope('payment.payment-processed.v1'),
    paymentId: randomUUID(),
    amountMinor: totalOf(lines()),
    currency: 'EUR',
    providerReference: `ch_${randomUUID().slice(0, 8)}`,
    ...o,
  };
}

export function aPaymentFailed(
  o: Overrides<'payment.payment-failed.v1'> = {},
): EventOf<'payment.payment-failed.v1'> {
  return {
    ...anEnvelope('payment.payment-failed.v1'),
    paymentId: randomUUID(),
    amountMinor: totalOf(lines()),
    currency: 'EUR',
    reasonCode: 'DECLINED',
    reason: 'The card was declined.',
    providerReference: null,
    ...o,
  };
}

export function anOrderConfirmed(
  o: Overrides<'order.order-confirmed.v1'> = {},
): EventOf<'order.order-confirmed.v1'> {
  return {
    ...anEnvelope('order.order-confirmed.v1'),
    ...customer,
    shippingAddress: anAddress(),
    ...priced(),
    paymentId: randomUUID(),
    ...o,
  };
}

export function anOrderCancelled(
  o: Overrides<'order.order-cancelled.v1'> = {},
): EventOf<'order.order-cancelled.v1'> {
  return {
    ...anEnvelope('order.order-cancelled.v1'),
    ...customer,
    reasonCode: 'PAYMENT_FAILED',
    reason: 'The payment was declined.',
    ...priced(),
    ...o,
  };
}

export function aShipmentStatusChanged(
  o: Overrides<'shipping.shipment-status-changed.v1'> = {},
): EventOf<'shipping.shipment-status-changed.v1'> {
  const status = o.status ?? 'IN_TRANSIT';
  return {
    ...anEnvelope('shipping.shipment-status-changed.v1'),
    shipmentId: randomUUID(),
    status,
    carrier: 'DHL',
    trackingNumber: 'JJD000390007827',
    timeline: aTimeline(status),
    ...o,
  };
}

export function anOrderDelivered(
  o: Overrides<'shipping.order-delivered.v1'> = {},
): EventOf<'shipping.order-delivered.v1'> {
  return {
    ...anEnvelope('shipping.order-delivered.v1'),
    shipmentId: randomUUID(),
    carrier: 'DHL',
    trackingNumber: 'JJD000390007827',
    deliveredAt: BASE_TIME + 2 * HOUR,
    receivedBy: 'A. Lovelace',
    timeline: aTimeline('DELIVERED'),
    ...o,
  };
}

export function anOrderCompleted(
  o: Overrides<'order.order-completed.v1'> = {},
): EventOf<'order.order-completed.v1'> {
  return {
    ...anEnvelope('order.order-completed.v1'),
    ...customer,
    ...priced(),
    shipmentId: randomUUID(),
    deliveredAt: BASE_TIME + 2 * HOUR,
    ...o,
  };
}

export function aSentEmail(overrides: Partial<SentEmail> = {}): SentEmail {
  return {
    emailId: randomUUID(),
    kind: 'ORDER_CONFIRMED',
    recipient: customer.customerEmail,
    subject: 'Your order is confirmed',
    sentAt: BASE_TIME,
    ...overrides,
  };
}

/** An EmailSent whose history holds `earlier` and then this email. */
export function anEmailSent(
  o: Overrides<'email.email-sent.v1'> = {},
  earlier: SentEmail[] = [],
): EventOf<'email.email-sent.v1'> {
  const email = aSentEmail({
    ...(o.kind ? { kind: o.kind } : {}),
    sentAt: BASE_TIME + earlier.length * HOUR,
  });
  return {
    ...anEnvelope('email.email-sent.v1'),
    emailId: email.emailId,
    kind: email.kind,
    recipient: email.recipient,
    subject: email.subject,
    smtpMessageId: `<${email.emailId}@order-platform.local>`,
    history: [...earlier, email],
    ...o,
  };
}

/** One builder per topic, so that a test can cover every event without naming each. */
export const eventBuilders: { [T in TopicName]: (overrides?: Overrides<T>) => EventOf<T> } = {
  'basket.order-requested.v1': anOrderRequested,
  'order.order-validated.v1': anOrderValidated,
  'order.order-rejected.v1': anOrderRejected,
  'payment.payment-processed.v1': aPaymentProcessed,
  'payment.payment-failed.v1': aPaymentFailed,
  'order.order-confirmed.v1': anOrderConfirmed,
  'order.order-cancelled.v1': anOrderCancelled,
  'shipping.shipment-status-changed.v1': aShipmentStatusChanged,
  'shipping.order-delivered.v1': anOrderDelivered,
  'order.order-completed.v1': anOrderCompleted,
  'email.email-sent.v1': (o) => anEmailSent(o),
};

/** A valid event of any topic. */
export function anEvent<T extends TopicName>(topic: T, overrides?: Overrides<T>): EventOf<T> {
  return eventBuilders[topic](overrides);
}
