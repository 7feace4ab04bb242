import { Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import { TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { OrderChanges } from '../order-events/order-changes';
import { orderEvent, orderFacts } from '../order-events/order-events';
import { followTimeline } from './track-shipment-on-status-changed.handler';

/**
 * Records the delivery (DELIVERED) and only then emits OrderCompleted, so whatever reacts
 * to it (the delivery email's link) finds the order page already showing the delivery.
 */
@TriggeredBy('order.record-delivery-on-order-delivered', 'shipping.order-delivered.v1')
export class RecordDeliveryOnOrderDelivered {
  private readonly logger = new Logger(RecordDeliveryOnOrderDelivered.name);

  constructor(private readonly changes: OrderChanges) {}

  async handle(tx: PoolClient, event: EventOf<'shipping.order-delivered.v1'>): Promise<void> {
    const { order, changed } = await this.changes.move(tx, event, {
      apply: (o) => {
        followTimeline(o, event.timeline, 'OrderDelivered');
        return o.delivered(event.shipmentId, new Date(event.deliveredAt), 'OrderDelivered');
      },
      details: (d) => ({ ...d, shipmentId: event.shipmentId }),
      emits: (o) => [
        orderEvent('order.order-completed.v1', o, event, {
          ...orderFacts(o),
          shipmentId: event.shipmentId,
          deliveredAt: event.deliveredAt,
        }),
      ],
    });
    if (changed) this.logger.log({ orderId: event.aggregateId, msg: 'delivery recorded, order completed' });
    else
      this.logger.log({ orderId: event.aggregateId, status: order.status, msg: 'delivery already recorded' });
  }
}
