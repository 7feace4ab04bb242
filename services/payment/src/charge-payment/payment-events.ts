import { newEnvelope, outboxEvent } from '@order-platform/contracts';
import type { OutboxEvent } from '@order-platform/messaging';
import type { StoredPayment } from '../db/payments.repository';
import type { PaymentOutcome } from '../domain/payment.aggregate';

/**
 * The event a settled payment emits: PaymentProcessed or PaymentFailed, its sequence the
 * payment's version, caused by the OrderValidated that asked for the charge.
 */
export function paymentEventOf(outcome: PaymentOutcome, stored: StoredPayment): OutboxEvent {
  const p = outcome.payment;
  const ids = {
    aggregateId: p.orderId,
    sequence: p.version,
    correlationId: stored.correlationId,
    causationId: stored.causationId,
  };
  const money = { paymentId: p.paymentId, amountMinor: p.amountMinor, currency: p.currency };
  if (outcome.kind === 'processed') {
    const topic = 'payment.payment-processed.v1';
    return outboxEvent(topic, {
      ...newEnvelope(topic, ids),
      ...money,
      providerReference: p.providerReference ?? '',
    });
  }
  const topic = 'payment.payment-failed.v1';
  return outboxEvent(topic, {
    ...newEnvelope(topic, ids),
    ...money,
    reasonCode: p.failureReasonCode ?? 'DECLINED',
    reason: p.failureReason ?? 'the payment failed',
    providerReference: p.providerReference,
  });
}
