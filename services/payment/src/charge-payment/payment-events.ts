import type { OutboxEvent } from '@order-platform/messaging';
import { outgoingEvent } from '@order-platform/service-kit';
import type { StoredPayment } from '../db/payments.repository';
import type { PaymentOutcome } from '../domain/payment.aggregate';

/**
 * The event a settled payment emits: PaymentProcessed or PaymentFailed, its sequence the
 * payment's version, caused by the OrderValidated that asked for the charge.
 */
export function paymentEventOf(outcome: PaymentOutcome, stored: StoredPayment): OutboxEvent {
  const p = outcome.payment;
  const money = { paymentId: p.paymentId, amountMinor: p.amountMinor, currency: p.currency };
  if (outcome.kind === 'processed') {
    return outgoingEvent('payment.payment-processed.v1', p, stored, {
      ...money,
      providerReference: p.providerReference ?? '',
    });
  }
  return outgoingEvent('payment.payment-failed.v1', p, stored, {
    ...money,
    reasonCode: p.failureReasonCode ?? 'DECLINED',
    reason: p.failureReason ?? 'the payment failed',
    providerReference: p.providerReference,
  });
}
