import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import { PermanentError } from '@order-platform/messaging';
import { TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import type { PaymentsRepository } from '../db/payments.repository';
import { checkRequest, Payment, PaymentRuleError } from '../domain/payment.aggregate';

type OrderValidated = EventOf<'order.order-validated.v1'>;

/**
 * Records the intent to charge a validated order, in the consumer's transaction: one
 * payment per order, due at once, with the order id as the provider's idempotency key.
 * It never calls the provider (the charger does, outside any transaction), so an outage
 * of the provider never holds or fails a message. A payment the order already has decides
 * alone: a redelivered or re-sent OrderValidated, however late, never charges again.
 *
 * A malformed request throws PermanentError (dead letter): no retry can make it valid.
 */
@TriggeredBy('payment.charge-on-order-validated', 'order.order-validated.v1')
export class ChargeOnOrderValidated {
  private readonly logger = new Logger(ChargeOnOrderValidated.name);

  constructor(private readonly payments: PaymentsRepository) {}

  async handle(tx: PoolClient, event: OrderValidated): Promise<void> {
    const request = this.requestOf(event);
    const payment = Payment.due(request, randomUUID(), new Date(event.occurredAt), new Date());
    const recorded = await this.payments.insertIfAbsent(tx, {
      snapshot: payment.snapshot,
      correlationId: event.correlationId,
      causationId: event.eventId,
    });
    if (!recorded) {
      const existing = await this.payments.find(tx, request.orderId);
      this.logger.log({
        msg: `order ${request.orderId} already has its payment (${existing?.snapshot.status}): not charged again`,
        orderId: request.orderId,
        eventId: event.eventId,
      });
      return;
    }
    this.logger.log({
      msg: `order ${request.orderId}: charge due`,
      orderId: request.orderId,
      paymentId: payment.snapshot.paymentId,
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
}
