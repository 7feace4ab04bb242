import { Inject, Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import type { OutboxWriter } from '@order-platform/messaging';
import { OUTBOX_WRITER, TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { asPermanent, loadOrderFor } from '../db/load-order';
import { OrdersRepository } from '../db/orders.repository';
import { orderEvent, orderFacts } from '../order-events/order-events';

/** The payment went through: the order is CONFIRMED and OrderConfirmed sends it to shipping. */
@TriggeredBy('order.confirm-order-on-payment-processed', 'payment.payment-processed.v1')
export class ConfirmOrderOnPaymentProcessed {
  private readonly logger = new Logger(ConfirmOrderOnPaymentProcessed.name);

  constructor(
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly orders: OrdersRepository,
  ) {}

  async handle(tx: PoolClient, event: EventOf<'payment.payment-processed.v1'>): Promise<void> {
    const { order, details } = await loadOrderFor(this.orders, tx, event);
    const change = asPermanent(() => order.paymentProcessed(event.paymentId, new Date(event.occurredAt)));
    if (!change) {
      this.logger.log({
        orderId: event.aggregateId,
        status: order.status,
        msg: 'late PaymentProcessed; no change',
      });
      return;
    }
    const updated = { ...details, paymentId: event.paymentId };
    await this.orders.update(tx, order, updated);
    await this.outbox.append(tx, [
      orderEvent('order.order-confirmed.v1', order, event, {
        ...orderFacts(order),
        shippingAddress: details.shippingAddress,
        paymentId: event.paymentId,
      }),
    ]);
    this.logger.log({ orderId: event.aggregateId, msg: 'order confirmed' });
  }
}
