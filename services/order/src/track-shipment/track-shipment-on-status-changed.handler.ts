import { Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import { TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import type { Order } from '../domain/order.aggregate';
import { asPermanent, OrderChanges } from '../order-events/order-changes';

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

  constructor(private readonly changes: OrderChanges) {}

  async handle(tx: PoolClient, event: EventOf<'shipping.shipment-status-changed.v1'>): Promise<void> {
    const { order, changed } = await this.changes.move(tx, event, {
      apply: (o) => followTimeline(o, event.timeline, 'ShipmentStatusChanged'),
      details: (d) => ({ ...d, shipmentId: event.shipmentId }),
    });
    const orderId = event.aggregateId;
    if (changed) this.logger.log({ orderId, status: order.status, msg: 'shipment progressed' });
    else this.logger.log({ orderId, status: order.status, news: event.status, msg: 'no news' });
  }
}
