import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type EventOf, newEnvelope, outboxEvent } from '@order-platform/contracts';
import { type EventEnvelope, type OutboxWriter, PermanentError } from '@order-platform/messaging';
import type { PoolClient } from 'pg';
import { PaymentsRepository } from '../db/payments.repository';
import { checkRequest, Payment, type PaymentOutcome, PaymentRuleError } from '../domain/payment.aggregate';
import type { PaymentProviderClient } from './payment-provider.client';

type OrderValidated = EventOf<'order.order-validated.v1'>;

/**
 * Charges an order once it is validated: one payment per order, the provider called with
 * the order id as idempotency key, and the outcome stored with its event in the consumer's
 * transaction. A payment that already has an outcome is never charged again (a redelivered
 * or re-sent OrderValidated finds it under a row lock); the idempotency key covers the one
 * window the row cannot, a crash between the provider's answer and the commit.
 *
 * Failures: the provider unavailable, slow or behind an open breaker throws an ordinary
 * error, so the runner retries in process and then through the retry topics; a request
 * the provider or the rules refuse for good throws PermanentError (dead letter).
 */
export class ChargeOnOrderValidated {
  private readonly logger = new Logger(ChargeOnOrderValidated.name);

  constructor(
    private readonly payments: PaymentsRepository,
    private readonly provider: PaymentProviderClient,
    private readonly outbox: OutboxWriter,
  ) {}

  async handle(tx: PoolClient, event: OrderValidated, envelope: EventEnvelope): Promise<void> {
    const request = this.requestOf(event);
    const payment = await this.payments.lockOrCreate(tx, Payment.start(request, randomUUID()));
    if (!payment.chargeDue) {
      this.logger.log({
        msg: `order ${request.orderId} is already ${payment.status}: not charged again`,
        orderId: request.orderId,
        eventId: envelope.eventId,
      });
      return;
    }
    const answer = await this.provider.charge(
      {
        orderId: request.orderId,
        amountMinor: payment.snapshot.amountMinor,
        currency: payment.snapshot.currency,
        token: request.paymentToken,
      },
      request.orderId,
    );
    const outcome =
      answer.outcome === 'approved' ? payment.approved(answer.chargeId) : payment.declined(answer.reason);
    await this.payments.save(tx, outcome.payment);
    await this.outbox.append(tx, [this.eventOf(outcome, event)]);
    this.logger.log({
      msg: `order ${request.orderId} payment ${outcome.payment.status}`,
      orderId: request.orderId,
      paymentId: outcome.payment.paymentId,
    });
  }

  private requestOf(event: OrderValidated) {
    try {
      return checkRequest({
        orderId: event.aggregateId,
        amountMinor: event.totalMinor,
        currency: event.currency,
        paymentToken: event.paymentToken,
      });
    } catch (error) {
      if (error instanceof PaymentRuleError) throw new PermanentError(error.message, { cause: error });
      throw error;
    }
  }

  private eventOf(outcome: PaymentOutcome, cause: OrderValidated) {
    const p = outcome.payment;
    const ids = {
      aggregateId: p.orderId,
      sequence: p.version,
      correlationId: cause.correlationId,
      causationId: cause.eventId,
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
}
