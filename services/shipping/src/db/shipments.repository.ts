import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { ShipmentSnapshot, ShipmentStatus, TimelineEntry } from '../domain/shipment.aggregate';

/** A shipment as stored, with the ids of the flow that created it. */
export interface StoredShipment {
  snapshot: ShipmentSnapshot;
  correlationId: string;
  /** The OrderConfirmed that created the shipment: the cause of every step it takes. */
  confirmedEventId: string;
}

interface ShipmentRow {
  id: string;
  order_id: string;
  carrier: string;
  tracking_number: string;
  status: ShipmentStatus | null;
  timeline: { status: ShipmentStatus; at: string }[];
  next_status: ShipmentStatus | null;
  next_due_at: Date | null;
  version: number;
  correlation_id: string;
  confirmed_event_id: string;
}

const COLUMNS = `id, order_id, carrier, tracking_number, status, timeline, next_status, next_due_at,
  version, correlation_id, confirmed_event_id`;

function fromRow(row: ShipmentRow): StoredShipment {
  return {
    snapshot: {
      shipmentId: row.id,
      orderId: row.order_id,
      carrier: row.carrier,
      trackingNumber: row.tracking_number,
      status: row.status,
      timeline: row.timeline.map((entry): TimelineEntry => ({
        status: entry.status,
        at: new Date(entry.at),
      })),
      nextStatus: row.next_status,
      nextDueAt: row.next_due_at,
      version: row.version,
    },
    correlationId: row.correlation_id,
    confirmedEventId: row.confirmed_event_id,
  };
}

const timelineJson = (timeline: readonly TimelineEntry[]) =>
  JSON.stringify(timeline.map((entry) => ({ status: entry.status, at: entry.at.toISOString() })));

@Injectable()
export class ShipmentsRepository {
  /** Stores a new shipment; false when the order already has one. */
  async insert(tx: PoolClient, shipment: StoredShipment): Promise<boolean> {
    const s = shipment.snapshot;
    const result = await tx.query(
      `insert into shipments (${COLUMNS})
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       on conflict (order_id) do nothing`,
      [
        s.shipmentId,
        s.orderId,
        s.carrier,
        s.trackingNumber,
        s.status,
        timelineJson(s.timeline),
        s.nextStatus,
        s.nextDueAt,
        s.version,
        shipment.correlationId,
        shipment.confirmedEventId,
      ],
    );
    return result.rowCount === 1;
  }

  /**
   * Locks up to `limit` shipments whose next step is due at `now`, oldest first. Rows
   * another instance holds are skipped, so several instances share the work.
   */
  async lockDue(tx: PoolClient, now: Date, limit: number): Promise<StoredShipment[]> {
    const result = await tx.query<ShipmentRow>(
      `select ${COLUMNS} from shipments
       where next_due_at <= $1
       order by next_due_at
       for update skip locked
       limit $2`,
      [now, limit],
    );
    return result.rows.map(fromRow);
  }

  async update(tx: PoolClient, s: Readonly<ShipmentSnapshot>): Promise<void> {
    await tx.query(
      `update shipments
       set status = $2, timeline = $3, next_status = $4, next_due_at = $5, version = $6, updated_at = now()
       where id = $1`,
      [s.shipmentId, s.status, timelineJson(s.timeline), s.nextStatus, s.nextDueAt, s.version],
    );
  }

  /** One read: the caller's transaction, or the pool itself. */
  async findByOrderId(tx: Pick<PoolClient, 'query'>, orderId: string): Promise<StoredShipment | undefined> {
    const result = await tx.query<ShipmentRow>(`select ${COLUMNS} from shipments where order_id = $1`, [
      orderId,
    ]);
    const row = result.rows[0];
    return row ? fromRow(row) : undefined;
  }
}
