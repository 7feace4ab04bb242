import { Inject, Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import type { OutboxWriter } from '@order-platform/messaging';
import { OUTBOX_WRITER, TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { asPermanent, loadOrderFor } from '../db/load-order';
import { OrdersRepository } from '../db/orders.repository';
import { orderEvent, orderFacts } from '../order-events/order-events';
import { followTimeline } from './track-shipment-on-status-changed.handler';

/**
 * Records the delivery (DELIVERED) and only then emits OrderCompleted, so whatever reacts
 * to it (the delivery email's link) finds the order page already showing the delivery.
 */
@TriggeredBy('order.record-delivery-on-order-delivered', 'shipping.order-delivered.v1')
export class RecordDeliveryOnOrderDelivered {
  private readonly logger = new Logger(RecordDeliveryOnOrderDelivered.name);

  constructor(
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly orders: OrdersRepository,
  ) {}

  async handle(tx: PoolClient, event: EventOf<'shipping.order-delivered.v1'>): Promise<void> {
    const { order, details } = await loadOrderFor(this.orders, tx, event);
    followTimeline(order, event.timeline, 'OrderDelivered');
    const change = asPermanent(() =>
      order.delivered(event.shipmentId, new Date(event.deliveredAt), 'OrderDelivered'),
    );
    if (!change) {
      this.logger.log({ orderId: event.aggregateId, status: order.status, msg: 'delivery already recorded' });
      return;
    }
    await this.orders.update(tx, order, { ...details, shipmentId: event.shipmentId });
    await this.outbox.append(tx, [
      orderEvent('order.order-completed.v1', order, event, {
        ...orderFacts(order),
        shipmentId: event.shipmentId,
        deliveredAt: event.deliveredAt,
      }),
    ]);
    this.logger.log({ orderId: event.aggregateId, msg: 'delivery recorded, order completed' });
  }
}
