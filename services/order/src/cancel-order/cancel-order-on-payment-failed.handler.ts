import { Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import { TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { StockRepository } from '../db/stock.repository';
import { OrderChanges } from '../order-events/order-changes';
import { orderEvent, orderFacts } from '../order-events/order-events';

/** The payment failed: the order is CANCELLED, its reserved stock goes back, OrderCancelled tells the customer. */
@TriggeredBy('order.cancel-order-on-payment-failed', 'payment.payment-failed.v1')
export class CancelOrderOnPaymentFailed {
  private readonly logger = new Logger(CancelOrderOnPaymentFailed.name);

  constructor(
    private readonly changes: OrderChanges,
    private readonly stock: StockRepository,
  ) {}

  async handle(tx: PoolClient, event: EventOf<'payment.payment-failed.v1'>): Promise<void> {
    const { order, changed } = await this.changes.move(tx, event, {
      apply: (o) => o.paymentFailed(event.reason, new Date(event.occurredAt)),
      emits: (o) => [
        orderEvent('order.order-cancelled.v1', o, event, {
          ...orderFacts(o),
          reasonCode: 'PAYMENT_FAILED',
          reason: event.reason,
        }),
      ],
    });
    if (!changed) {
      this.logger.log({
        orderId: event.aggregateId,
        status: order.status,
        msg: 'late PaymentFailed; no change',
      });
      return;
    }
    // What was reserved, not what the lines say: the reservations are the exact record.
    const released = await this.stock.release(tx, event.aggregateId);
    this.logger.log({ orderId: event.aggregateId, released, msg: 'order cancelled, stock released' });
  }
}
