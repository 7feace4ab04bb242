import { Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import { TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { OrderChanges } from '../order-events/order-changes';
import { orderEvent, orderFacts } from '../order-events/order-events';

/** The payment went through: the order is CONFIRMED and OrderConfirmed sends it to shipping. */
@TriggeredBy('order.confirm-order-on-payment-processed', 'payment.payment-processed.v1')
export class ConfirmOrderOnPaymentProcessed {
  private readonly logger = new Logger(ConfirmOrderOnPaymentProcessed.name);

  constructor(private readonly changes: OrderChanges) {}

  async handle(tx: PoolClient, event: EventOf<'payment.payment-processed.v1'>): Promise<void> {
    const { order, changed } = await this.changes.move(tx, event, {
      apply: (o) => o.paymentProcessed(event.paymentId, new Date(event.occurredAt)),
      details: (d) => ({ ...d, paymentId: event.paymentId }),
      emits: (o, d) => [
        orderEvent('order.order-confirmed.v1', o, event, {
          ...orderFacts(o),
          shippingAddress: d.shippingAddress,
          paymentId: event.paymentId,
        }),
      ],
    });
    if (changed) this.logger.log({ orderId: event.aggregateId, msg: 'order confirmed' });
    else
      this.logger.log({
        orderId: event.aggregateId,
        status: order.status,
        msg: 'late PaymentProcessed; no change',
      });
  }
}
