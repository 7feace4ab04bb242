import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OutboxEvent, OutboxWriter } from '@order-platform/messaging';
import { withTransaction } from '@order-platform/postgres';
import { CONFIG, OUTBOX_WRITER, outgoingEvent, PG_POOL } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { type Config, shipmentDelays } from '../config';
import { type StoredShipment, ShipmentsRepository } from '../db/shipments.repository';
import { Shipment, type ShipmentStep } from '../domain/shipment.aggregate';

/** How many due shipments one transaction takes. */
const BATCH = 20;

/**
 * Takes one step of every shipment that is due: each step is stored with its events
 * (ShipmentStatusChanged, and OrderDelivered at the end) in the transaction that holds the
 * shipment's row lock, so a step is emitted once even if the process dies at any point.
 */
@Injectable()
export class AdvanceDueShipments {
  private readonly logger = new Logger(AdvanceDueShipments.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly shipments: ShipmentsRepository,
  ) {}

  /** Advances due shipments until none is left; returns how many steps it took. */
  async run(): Promise<number> {
    let steps = 0;
    for (;;) {
      const taken = await withTransaction(this.pool, async (tx) => {
        const now = new Date();
        const due = await this.shipments.lockDue(tx, now, BATCH);
        const events: OutboxEvent[] = [];
        for (const stored of due) {
          const shipment = Shipment.restore(stored.snapshot);
          const step = shipment.advance(now, shipmentDelays(this.config));
          if (!step) continue;
          await this.shipments.update(tx, shipment.snapshot);
          events.push(...eventsOf(stored, shipment, step));
          this.logger.log(
            { orderId: stored.snapshot.orderId, shipmentId: stored.snapshot.shipmentId, status: step.status },
            'shipment advanced',
          );
        }
        if (events.length > 0) await this.outbox.append(tx, events);
        return due.length;
      });
      steps += taken;
      if (taken < BATCH) return steps;
    }
  }
}

function eventsOf(stored: StoredShipment, shipment: Shipment, step: ShipmentStep): OutboxEvent[] {
  const s = shipment.snapshot;
  // A step is caused by the schedule that the order's confirmation set.
  const cause = { correlationId: stored.correlationId, causationId: stored.confirmedEventId };
  const carried = {
    shipmentId: s.shipmentId,
    carrier: s.carrier,
    trackingNumber: s.trackingNumber,
    timeline: step.timeline.map((entry) => ({
      status: entry.status,
      at: entry.at.getTime(),
      location: null,
    })),
  };
  const events = [
    outgoingEvent('shipping.shipment-status-changed.v1', s, cause, { ...carried, status: step.status }),
  ];
  if (step.delivered) {
    events.push(
      outgoingEvent('shipping.order-delivered.v1', s, cause, {
        ...carried,
        deliveredAt: step.at.getTime(),
        receivedBy: null,
      }),
    );
  }
  return events;
}
