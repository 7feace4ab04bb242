import { Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import { TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { asPermanent, loadOrderFor } from '../db/load-order';
import { OrdersRepository } from '../db/orders.repository';
import type { Order } from '../domain/order.aggregate';

type TimelineEntry = EventOf<'shipping.shipment-status-changed.v1'>['timeline'][number];

/**
 * Moves the order along the shipment's timeline, each step at its own time. The delivery
 * itself is left to OrderDelivered, which records it and emits OrderCompleted: taking it
 * from here would leave nothing for that event to complete.
 */
export function followTimeline(order: Order, timeline: readonly TimelineEntry[], cause: string): boolean {
  let moved = false;
  for (const entry of timeline) {
    if (entry.status === 'DELIVERED') continue;
    if (asPermanent(() => order.shipmentProgressed(entry.status, new Date(entry.at), cause))) moved = true;
  }
  return moved;
}

/** Shipment news (DISPATCHED, IN_TRANSIT): recorded in the order's history, forward only; no event out. */
@TriggeredBy('order.track-shipment-on-status-changed', 'shipping.shipment-status-changed.v1')
export class TrackShipmentOnStatusChanged {
  private readonly logger = new Logger(TrackShipmentOnStatusChanged.name);

  constructor(private readonly orders: OrdersRepository) {}

  async handle(tx: PoolClient, event: EventOf<'shipping.shipment-status-changed.v1'>): Promise<void> {
    const { order, details } = await loadOrderFor(this.orders, tx, event);
    if (!followTimeline(order, event.timeline, 'ShipmentStatusChanged')) {
      this.logger.log({
        orderId: event.aggregateId,
        status: order.status,
        news: event.status,
        msg: 'no news',
      });
      return;
    }
    await this.orders.update(tx, order, { ...details, shipmentId: event.shipmentId });
    this.logger.log({ orderId: event.aggregateId, status: order.status, msg: 'shipment progressed' });
  }
}
