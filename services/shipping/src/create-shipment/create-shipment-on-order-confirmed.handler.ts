import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import { CONFIG, TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { type Config, shipmentDelays } from '../config';
import { ShipmentsRepository } from '../db/shipments.repository';
import { Shipment } from '../domain/shipment.aggregate';

/**
 * A confirmed order gets one shipment, scheduled for dispatch. The shipment emits nothing
 * yet: its first event is the dispatch, taken by the scheduler when due.
 */
@TriggeredBy('shipping.create-shipment-on-order-confirmed', 'order.order-confirmed.v1')
export class CreateShipmentOnOrderConfirmed {
  private readonly logger = new Logger(CreateShipmentOnOrderConfirmed.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly shipments: ShipmentsRepository,
  ) {}

  async handle(tx: PoolClient, event: EventOf<'order.order-confirmed.v1'>): Promise<void> {
    const shipmentId = randomUUID();
    const shipment = Shipment.create({
      shipmentId,
      orderId: event.aggregateId,
      carrier: this.config.SHIPPING_CARRIER,
      trackingNumber: trackingNumberOf(shipmentId),
      // Scheduled from now rather than from the event's occurredAt: a message that waited
      // in a retry topic still gets its full dispatch delay instead of several steps at once.
      confirmedAt: new Date(),
      delays: shipmentDelays(this.config),
    });
    // The order id is unique: an OrderConfirmed that reaches us under a new event id (a
    // producer retry) cannot create a second shipment either.
    const created = await this.shipments.insert(tx, {
      snapshot: shipment.snapshot,
      correlationId: event.correlationId,
      confirmedEventId: event.eventId,
    });
    if (created) this.logger.log({ orderId: event.aggregateId, shipmentId }, 'shipment created');
    else this.logger.log({ orderId: event.aggregateId }, 'order already has a shipment');
  }
}

/** The carrier's tracking number: derived from the shipment id, so it is unique too. */
export function trackingNumberOf(shipmentId: string): string {
  return `PX${shipmentId.replace(/-/g, '').slice(0, 16).toUpperCase()}`;
}
