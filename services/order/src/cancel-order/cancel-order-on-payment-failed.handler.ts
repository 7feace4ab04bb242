import { Inject, Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import type { OutboxWriter } from '@order-platform/messaging';
import { OUTBOX_WRITER, TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { asPermanent, loadOrderFor } from '../db/load-order';
import { OrdersRepository } from '../db/orders.repository';
import { StockRepository } from '../db/stock.repository';
import { orderEvent, orderFacts } from '../order-events/order-events';

/** The payment failed: the order is CANCELLED, its reserved stock goes back, OrderCancelled tells the customer. */
@TriggeredBy('order.cancel-order-on-payment-failed', 'payment.payment-failed.v1')
export class CancelOrderOnPaymentFailed {
  private readonly logger = new Logger(CancelOrderOnPaymentFailed.name);

  constructor(
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly orders: OrdersRepository,
    private readonly stock: StockRepository,
  ) {}

  async handle(tx: PoolClient, event: EventOf<'payment.payment-failed.v1'>): Promise<void> {
    const { order, details } = await loadOrderFor(this.orders, tx, event);
    const change = asPermanent(() => order.paymentFailed(event.reason, new Date(event.occurredAt)));
    if (!change) {
      this.logger.log({
        orderId: event.aggregateId,
        status: order.status,
        msg: 'late PaymentFailed; no change',
      });
      return;
    }
    // What was reserved, not what the lines say: the reservations are the exact record.
    const released = await this.stock.release(tx, event.aggregateId);
    await this.orders.update(tx, order, details);
    await this.outbox.append(tx, [
      orderEvent('order.order-cancelled.v1', order, event, {
        ...orderFacts(order),
        reasonCode: 'PAYMENT_FAILED',
        reason: event.reason,
      }),
    ]);
    this.logger.log({ orderId: event.aggregateId, released, msg: 'order cancelled, stock released' });
  }
}
