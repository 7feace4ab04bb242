/**
 * A shipment and its schedule. No NestJS, Kafka or SQL here. The schedule is data (the
 * next status and when it is due), stored with the shipment, so a restarted service picks
 * up where it was: a scheduler loads the shipments that are due, calls `advance`, stores
 * the result and writes the events, one transaction per step.
 */

export type ShipmentStatus = 'DISPATCHED' | 'IN_TRANSIT' | 'DELIVERED';

const STEPS: readonly ShipmentStatus[] = ['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'];

export interface ShipmentDelays {
  /** From the order's confirmation to dispatch. */
  dispatchMs: number;
  /** From dispatch to in transit. */
  inTransitMs: number;
  /** From in transit to delivered. */
  deliveryMs: number;
}

export interface TimelineEntry {
  status: ShipmentStatus;
  at: Date;
}

export interface ShipmentSnapshot {
  shipmentId: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  /** null until dispatched. */
  status: ShipmentStatus | null;
  timeline: TimelineEntry[];
  /** The step the schedule will take next, and when; both null once delivered. */
  nextStatus: ShipmentStatus | null;
  nextDueAt: Date | null;
  /** Incremented with every step; the sequence of the events the step emits. */
  version: number;
}

/** One step taken: the status reached and the whole timeline so far (events carry state). */
export interface ShipmentStep {
  status: ShipmentStatus;
  at: Date;
  timeline: TimelineEntry[];
  delivered: boolean;
}

export class Shipment {
  private constructor(private state: ShipmentSnapshot) {}

  /** A shipment for a confirmed order, due for dispatch after `dispatchMs`. */
  static create(input: {
    shipmentId: string;
    orderId: string;
    carrier: string;
    trackingNumber: string;
    confirmedAt: Date;
    delays: ShipmentDelays;
  }): Shipment {
    return new Shipment({
      shipmentId: input.shipmentId,
      orderId: input.orderId,
      carrier: input.carrier,
      trackingNumber: input.trackingNumber,
      status: null,
      timeline: [],
      nextStatus: 'DISPATCHED',
      nextDueAt: new Date(input.confirmedAt.getTime() + input.delays.dispatchMs),
      version: 0,
    });
  }

  static restore(snapshot: ShipmentSnapshot): Shipment {
    return new Shipment(structuredClone(snapshot));
  }

  get snapshot(): Readonly<ShipmentSnapshot> {
    return this.state;
  }

  isDue(now: Date): boolean {
    return this.state.nextDueAt !== null && this.state.nextDueAt.getTime() <= now.getTime();
  }

  /**
   * Takes the next step if it is due. One step per call: a service that was down for a
   * while catches up step by step, and each step gets its own event.
   */
  advance(now: Date, delays: ShipmentDelays): ShipmentStep | undefined {
    const next = this.state.nextStatus;
    if (!next || !this.isDue(now)) return undefined;
    this.state.status = next;
    this.state.timeline.push({ status: next, at: now });
    this.state.version += 1;
    const following = STEPS[STEPS.indexOf(next) + 1] ?? null;
    this.state.nextStatus = following;
    this.state.nextDueAt =
      following === null
        ? null
        : new Date(now.getTime() + (following === 'IN_TRANSIT' ? delays.inTransitMs : delays.deliveryMs));
    return {
      status: next,
      at: now,
      timeline: structuredClone(this.state.timeline),
      delivered: next === 'DELIVERED',
    };
  }
}
