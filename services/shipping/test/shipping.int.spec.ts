import { randomUUID } from 'node:crypto';
import { anOrderConfirmed } from '@order-platform/contracts/testing';
import {
  eventually,
  runPlatformInit,
  serviceDatabaseUrl,
  type ServiceProcess,
  startOnStack,
  useStack,
  waitForHttp,
} from '@order-platform/testing';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { settled } from '@order-platform/messaging/testing';
import { EventBus, type ReadEvent } from '@order-platform/service-kit/testing';

const stack = useStack();

async function startShipping(
  delays: { dispatch: number; inTransit: number; delivery: number },
  // After a SIGKILL the consumer waits out the dead member's session before it is ready;
  // the scheduler does not need it, so a restart waits for liveness only.
  until: '/health/ready' | '/health/live' = '/health/ready',
) {
  return startOnStack(stack, 'shipping', {
    env: {
      SHIPPING_DISPATCH_DELAY_MS: String(delays.dispatch),
      SHIPPING_IN_TRANSIT_DELAY_MS: String(delays.inTransit),
      SHIPPING_DELIVERY_DELAY_MS: String(delays.delivery),
      SHIPPING_POLL_INTERVAL_MS: '50',
    },
    until,
  });
}

interface ShipmentBody {
  shipmentId: string;
  status: string | null;
  timeline: { status: string }[];
  version: number;
}

async function shipmentOf(service: ServiceProcess, orderId: string): Promise<ShipmentBody | undefined> {
  const response = await fetch(`${service.url}/shipments/${orderId}`);
  return response.status === 200 ? ((await response.json()) as ShipmentBody) : undefined;
}

/** Shipping's one consumer group, and the topic it creates shipments from. */
const CREATE_SHIPMENT = {
  groupId: 'shipping.create-shipment-on-order-confirmed',
  topics: ['order.order-confirmed.v1'],
};

/** A delivered shipment's events: three status changes and one OrderDelivered. */
const JOURNEY_ROWS = { 'shipping.shipment-status-changed.v1': 3, 'shipping.order-delivered.v1': 1 };

/** Checks one order's emitted events: three steps in order, each carrying the timeline so far. */
function expectFullJourney(
  changes: ReadEvent<'shipping.shipment-status-changed.v1'>[],
  delivered: ReadEvent<'shipping.order-delivered.v1'>[],
  orderId: string,
  shipmentId: string,
) {
  const mine = changes.filter((c) => c.key === orderId).sort((a, b) => Number(a.offset - b.offset));
  expect(mine.map((c) => c.event.status)).toEqual(['DISPATCHED', 'IN_TRANSIT', 'DELIVERED']);
  expect(mine.map((c) => c.event.sequence)).toEqual([1, 2, 3]);
  mine.forEach(({ event }, i) => {
    expect(event.aggregateId).toBe(orderId);
    expect(event.shipmentId).toBe(shipmentId);
    expect(event.timeline.map((t) => t.status)).toEqual(
      ['DISPATCHED', 'IN_TRANSIT', 'DELIVERED'].slice(0, i + 1),
    );
    if (i > 0) expect(event.timeline.slice(0, i)).toEqual(mine[i - 1]?.event.timeline);
  });
  const done = delivered.filter((d) => d.key === orderId);
  expect(done).toHaveLength(1);
  const last = mine[2]?.event;
  expect(done[0]?.event).toMatchObject({
    shipmentId,
    sequence: 3,
    carrier: last?.carrier,
    trackingNumber: last?.trackingNumber,
    deliveredAt: last?.timeline[2]?.at,
    timeline: last?.timeline,
  });
}

describe('shipping', () => {
  const bus = new EventBus(stack);
  const orderIds = new Set<string>();
  let db: Client;
  let changes: ReadEvent<'shipping.shipment-status-changed.v1'>[];
  let delivered: ReadEvent<'shipping.order-delivered.v1'>[];

  /** The order's rows in shipping's outbox, counted by topic: what it published, or will. */
  const outboxed = async (orderId: string): Promise<Record<string, number>> => {
    const { rows } = await db.query<{ topic: string; n: number }>(
      'select topic, count(*)::int as n from shipping.outbox where aggregateid = $1 group by topic',
      [orderId],
    );
    return Object.fromEntries(rows.map((r) => [r.topic, r.n]));
  };

  const newOrderId = () => {
    const orderId = randomUUID();
    orderIds.add(orderId);
    return orderId;
  };

  /** The order's shipment once delivered, after its events have been read too. */
  const deliveredShipment = async (service: ServiceProcess, orderId: string, what = 'delivery') => {
    const shipment = await eventually(what, async () => {
      const s = await shipmentOf(service, orderId);
      return s?.status === 'DELIVERED' ? s : undefined;
    });
    await eventually('the events', () =>
      changes.filter((c) => c.key === orderId).length >= 3 && delivered.some((d) => d.key === orderId)
        ? true
        : undefined,
    );
    return shipment;
  };

  beforeAll(async () => {
    runPlatformInit(stack);
    db = new Client({ connectionString: serviceDatabaseUrl(stack, 'shipping') });
    await db.connect();
    changes = await bus.read('shipping.shipment-status-changed.v1', orderIds);
    delivered = await bus.read('shipping.order-delivered.v1', orderIds);
  });

  afterAll(async () => {
    await bus.close();
    await db?.end();
  });

  describe('with short delays', () => {
    let service: ServiceProcess;
    beforeAll(async () => {
      service = await startShipping({ dispatch: 100, inTransit: 100, delivery: 100 });
    });
    afterAll(async () => {
      await service?.stop('SIGTERM');
    });

    it('ships a confirmed order: three status changes and one delivery, in order, each with the timeline so far', async () => {
      const orderId = newOrderId();
      const confirmed = anOrderConfirmed({ aggregateId: orderId });
      await bus.publish('order.order-confirmed.v1', confirmed);

      const shipment = await deliveredShipment(service, orderId);
      expect(shipment.version).toBe(3);
      const { rows } = await db.query<{ next_status: string | null; correlation_id: string }>(
        'select next_status, correlation_id from shipments where order_id = $1',
        [orderId],
      );
      expect(rows).toEqual([{ next_status: null, correlation_id: confirmed.correlationId }]);
      expectFullJourney(changes, delivered, orderId, shipment.shipmentId);
      const first = changes.find((c) => c.key === orderId)?.event;
      expect(first).toMatchObject({ correlationId: confirmed.correlationId, causationId: confirmed.eventId });
    });

    it('creates one shipment per order, however often OrderConfirmed arrives', async () => {
      const orderId = newOrderId();
      const confirmed = anOrderConfirmed({ aggregateId: orderId });
      await bus.publishTwice('order.order-confirmed.v1', confirmed);
      // The same confirmation under a new event id (a producer that wrote it twice).
      await bus.publish('order.order-confirmed.v1', { ...confirmed, eventId: randomUUID(), sequence: 2 });

      const shipment = await deliveredShipment(service, orderId);
      // Every confirmation handled: a wrongly created second shipment would be there now,
      // and its events in the outbox.
      await settled(bus.kafka, [CREATE_SHIPMENT]);
      const { rows } = await db.query('select id from shipments where order_id = $1', [orderId]);
      expect(rows).toHaveLength(1);
      expect(await outboxed(orderId)).toEqual(JOURNEY_ROWS);
      expectFullJourney(changes, delivered, orderId, shipment.shipmentId);
    });

    it('answers 404 for an unknown order and 400 for an id that is not one', async () => {
      expect((await fetch(`${service.url}/shipments/${randomUUID()}`)).status).toBe(404);
      const malformed = await fetch(`${service.url}/shipments/not-a-uuid`);
      expect(malformed.status).toBe(400);
      expect(await malformed.json()).toMatchObject({
        statusCode: 400,
        message: 'orderId: "not-a-uuid" is not an order id (a UUID)',
      });
    });
  });

  it('resumes after SIGKILL where it was, emitting no step twice', async () => {
    const delays = { dispatch: 100, inTransit: 4000, delivery: 200 };
    let service = await startShipping(delays);
    try {
      const orderId = newOrderId();
      await bus.publish('order.order-confirmed.v1', anOrderConfirmed({ aggregateId: orderId }));
      await eventually('dispatch', async () => {
        const s = await shipmentOf(service, orderId);
        return s?.status === 'DISPATCHED' ? s : undefined;
      });
      await service.stop('SIGKILL');

      service = await startShipping(delays, '/health/live');
      const shipment = await deliveredShipment(service, orderId, 'delivery after the restart');
      // DELIVERED is final: the outbox holds every event the restart could have doubled.
      expect(await outboxed(orderId)).toEqual(JOURNEY_ROWS);
      expectFullJourney(changes, delivered, orderId, shipment.shipmentId);
      // Leave the consumer group as we found it: joined, then left cleanly, so that the
      // next instance (another test's) does not wait out the killed member's session.
      await waitForHttp(service, '/health/ready', 200, 90_000);
    } finally {
      await service.stop('SIGTERM');
    }
  });
});
