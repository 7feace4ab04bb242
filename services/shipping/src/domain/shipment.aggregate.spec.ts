import { describe, expect, it } from 'vitest';
import { Shipment, type ShipmentDelays } from './shipment.aggregate';

const delays: ShipmentDelays = { dispatchMs: 1000, inTransitMs: 2000, deliveryMs: 3000 };
const t = (ms: number) => new Date(Date.UTC(2026, 10, 22) + ms);

function aShipment(): Shipment {
  return Shipment.create({
    shipmentId: 'shipment-1',
    orderId: 'order-1',
    carrier: 'Parcel Express',
    trackingNumber: 'PX123',
    confirmedAt: t(0),
    delays,
  });
}

describe('Shipment', () => {
  it('moves DISPATCHED → IN_TRANSIT → DELIVERED on its schedule, each step carrying the whole timeline', () => {
    const shipment = aShipment();
    expect(shipment.advance(t(999), delays)).toBeUndefined();

    const dispatched = shipment.advance(t(1000), delays);
    expect(dispatched).toEqual({
      status: 'DISPATCHED',
      at: t(1000),
      timeline: [{ status: 'DISPATCHED', at: t(1000) }],
      delivered: false,
    });
    expect(shipment.snapshot.nextDueAt).toEqual(t(3000));

    expect(shipment.advance(t(2999), delays)).toBeUndefined();
    expect(shipment.advance(t(3000), delays)?.status).toBe('IN_TRANSIT');
    const delivered = shipment.advance(t(6000), delays);
    expect(delivered).toMatchObject({ status: 'DELIVERED', delivered: true });
    expect(delivered?.timeline.map((e) => e.status)).toEqual(['DISPATCHED', 'IN_TRANSIT', 'DELIVERED']);
    expect(shipment.snapshot).toMatchObject({
      status: 'DELIVERED',
      nextStatus: null,
      nextDueAt: null,
      version: 3,
    });
    expect(shipment.advance(t(99_999), delays)).toBeUndefined();
  });

  it('resumes from a stored snapshot where it was, one step per call', () => {
    const shipment = aShipment();
    shipment.advance(t(1000), delays);
    const restarted = Shipment.restore(shipment.snapshot);
    // Long after everything was due: it catches up step by step.
    expect(restarted.advance(t(60_000), delays)?.status).toBe('IN_TRANSIT');
    expect(restarted.advance(t(60_000), delays)).toBeUndefined();
    expect(restarted.advance(t(63_000), delays)?.status).toBe('DELIVERED');
    expect(shipment.snapshot.status).toBe('DISPATCHED');
  });

  it('returns a timeline the caller cannot use to change the shipment', () => {
    const shipment = aShipment();
    const step = shipment.advance(t(1000), delays)!;
    step.timeline.push({ status: 'DELIVERED', at: t(1) });
    expect(shipment.snapshot.timeline).toHaveLength(1);
  });
});
