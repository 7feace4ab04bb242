import { randomUUID } from 'node:crypto';
import type { EventOf, TopicName } from '@order-platform/contracts';
import { anOrderLine, anOrderRequested } from '@order-platform/contracts/testing';
import { settled } from '@order-platform/messaging/testing';
import { triggerOf } from '@order-platform/service-kit';
import { EventBus, type ReadEvent } from '@order-platform/service-kit/testing';
import { CancelOrderOnPaymentFailed } from '../src/cancel-order/cancel-order-on-payment-failed.handler';
import { ConfirmOrderOnPaymentProcessed } from '../src/confirm-order/confirm-order-on-payment-processed.handler';
import { RecordDeliveryOnOrderDelivered } from '../src/track-shipment/record-delivery-on-order-delivered.handler';
import { TrackShipmentOnStatusChanged } from '../src/track-shipment/track-shipment-on-status-changed.handler';
import { ValidateOrderOnOrderRequested } from '../src/validate-order/validate-order-on-order-requested.handler';
import {
  eventually,
  runPlatformInit,
  serviceDatabaseUrl,
  serviceEnv,
  type ServiceProcess,
  startService,
  useStack,
  waitForHttp,
} from '@order-platform/testing';
import { Pool } from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';

const OUTPUT_TOPICS = [
  'order.order-validated.v1',
  'order.order-rejected.v1',
  'order.order-confirmed.v1',
  'order.order-cancelled.v1',
  'order.order-completed.v1',
] as const satisfies readonly TopicName[];
export type OutputTopic = (typeof OUTPUT_TOPICS)[number];

/**
 * The sequence of the payment and shipment news this test produces. Other tests on the same
 * stack run the real payment and shipping services, which react to this test's orders too;
 * their news carries low sequences, so whichever of it comes after ours is discarded as stale.
 * Ours is also produced at once, well before theirs can make the trip through two outboxes.
 */
export const OUR_SEQUENCE = 1000;

export interface Emitted {
  topic: OutputTopic;
  event: EventOf<OutputTopic>;
}

export interface OrderView {
  orderId: string;
  status: string;
  customerId: string;
  items: unknown[];
  totalMinor: number;
  currency: string;
  history: { from: string | null; to: string; at: string; cause: string; reason?: string }[];
}

/**
 * The built order service as its own process against the shared stack, with a producer for
 * the events it reacts to and a collector of the events it emits about this file's orders.
 * Registers the suite's beforeAll and afterAll; call it at the top of a describe.
 */
type OrderRequested = EventOf<'basket.order-requested.v1'>;

export interface OrderServiceFixture {
  /** Connections as the order service's role. */
  db: Pool;
  /** The service's settings on the shared stack, on a free port. */
  env(overrides?: Record<string, string>): Promise<Record<string, string>>;
  produce<T extends TopicName>(topic: T, event: EventOf<T>): Promise<void>;
  /** Produces `event` twice, as an at-least-once delivery may. */
  redeliver<T extends TopicName>(topic: T, event: EventOf<T>): Promise<void>;
  /** What payment or shipment news of this test about the order starts with (see OUR_SEQUENCE). */
  ourNews(orderId: string): { aggregateId: string; sequence: number; occurredAt: number };
  /** A new order id whose events the collector keeps. */
  newOrderId(): string;
  eventsOf(orderId: string, topic?: OutputTopic): Emitted[];
  waitForEvent<T extends OutputTopic>(orderId: string, topic: T): Promise<EventOf<T>>;
  getOrder(orderId: string): Promise<{ status: number; body: OrderView }>;
  waitForStatus(orderId: string, status: string): Promise<OrderView>;
  setStock(sku: string, available: number): Promise<void>;
  stockOf(sku: string): Promise<number | undefined>;
  /**
   * Resolves once every consumer group of the order service has handled and committed all
   * that its topics (and retry topics) held when called: its outbox then holds every event
   * that anything sent so far made it write.
   */
  settled(): Promise<void>;
  /** The rows in the order service's outbox for the order on `topic`: what it published, or will. */
  outboxed(orderId: string, topic: OutputTopic): Promise<number>;
  /**
   * Expects the service to have emitted exactly one event of the order on `topic`, however
   * often what caused it came: once it has settled, its outbox (all that ever reaches the
   * topic) holds one row, and the topic, once that row has come through CDC, one event.
   */
  emittedOnce(orderId: string, topic: OutputTopic): Promise<void>;
  /** Resolves once the consumer group has recorded the message in its transactions table. */
  handled(group: string, eventId: string): Promise<string>;
  /** An order for `lines`, requested now. */
  requestOrder(lines?: OrderRequested['items']): Promise<{ orderId: string; requested: OrderRequested }>;
  url(): string;
  /** What the service has logged so far. */
  output(): string;
}

export function useOrderService(): OrderServiceFixture {
  const stack = useStack();
  const bus = new EventBus(stack);
  const db = new Pool({ connectionString: serviceDatabaseUrl(stack, 'orders'), max: 3 });
  /** Only events of this run's orders: the topics are shared with other tests and earlier runs. */
  const ours = new Set<string>();
  let emitted: ReadEvent<OutputTopic>[] = [];
  let service: ServiceProcess | undefined;

  const env = (overrides: Record<string, string> = {}) =>
    serviceEnv(stack, 'order', { ALLOW_STOCK_ADMIN: 'true', ...overrides }, 'orders');

  const produce = <T extends TopicName>(topic: T, event: EventOf<T>) => bus.publish(topic, event);

  const redeliver = <T extends TopicName>(topic: T, event: EventOf<T>) => bus.publishTwice(topic, event);

  const ourNews = (orderId: string) => ({
    aggregateId: orderId,
    sequence: OUR_SEQUENCE,
    occurredAt: Date.now(),
  });

  const newOrderId = () => {
    const id = randomUUID();
    ours.add(id);
    return id;
  };

  const eventsOf = (orderId: string, topic?: OutputTopic): Emitted[] =>
    emitted
      .filter((e) => e.key === orderId && (topic === undefined || e.topic === topic))
      .map((e) => ({ topic: e.topic as OutputTopic, event: e.event }));

  const waitForEvent = <T extends OutputTopic>(orderId: string, topic: T) =>
    eventually(
      `${topic} for order ${orderId}`,
      () => eventsOf(orderId, topic)[0]?.event as EventOf<T> | undefined,
    );

  const getOrder = async (orderId: string) => {
    const response = await fetch(`${url()}/orders/${orderId}`);
    return { status: response.status, body: (await response.json()) as OrderView };
  };

  const waitForStatus = (orderId: string, status: string) =>
    eventually(`order ${orderId} to be ${status}`, async () => {
      const { status: code, body } = await getOrder(orderId);
      return code === 200 && body.status === status ? body : undefined;
    });

  const setStock = async (sku: string, available: number) => {
    const response = await fetch(`${url()}/admin/stock/${sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ available }),
    });
    expect(response.status).toBe(200);
  };

  const stockOf = async (sku: string) => {
    const { rows } = await db.query<{ available: number }>(
      'select available from orders.stock where sku = $1',
      [sku],
    );
    return rows[0]?.available;
  };

  /** Resolves once the consumer group has recorded the message in its transactions table. */
  const handled = (group: string, eventId: string) =>
    eventually(`${group} to handle ${eventId}`, async () => {
      const { rows } = await db.query<{ outcome: string }>(
        'select outcome from orders.message_transactions where consumer_group = $1 and message_id = $2',
        [group, eventId],
      );
      return rows[0]?.outcome;
    });

  /** An order for `lines`, requested now, validated by the service. */
  const requestOrder = async (
    lines: OrderRequested['items'] = [anOrderLine({ quantity: 1 })],
  ): Promise<{ orderId: string; requested: OrderRequested }> => {
    const orderId = newOrderId();
    const requested = anOrderRequested({
      aggregateId: orderId,
      occurredAt: Date.now(),
      items: lines,
      totalMinor: lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0),
    });
    await produce('basket.order-requested.v1', requested);
    return { orderId, requested };
  };

  beforeAll(async () => {
    runPlatformInit(stack);
    service = startService('order', await env());
    await waitForHttp(service, '/health/ready', 200, 90_000);
    // requestOrder's default line: a shared stack that has served many runs may have sold it out.
    await setStock(anOrderLine().sku, 100_000);

    emitted = await bus.readAll<OutputTopic>(OUTPUT_TOPICS, ours);
  });

  afterAll(async () => {
    await bus.close();
    await service?.stop('SIGTERM');
    await db.end();
  });

  const url = () => {
    if (!service) throw new Error('the order service has not started');
    return service.url;
  };

  /** The order service's consumer groups, as its use cases declare them. */
  const groups = [
    ValidateOrderOnOrderRequested,
    ConfirmOrderOnPaymentProcessed,
    CancelOrderOnPaymentFailed,
    TrackShipmentOnStatusChanged,
    RecordDeliveryOnOrderDelivered,
  ].map(triggerOf);

  const settle = () =>
    settled(
      bus.kafka,
      groups.map(({ groupId, topic }) => ({ groupId, topics: [topic] })),
    );

  const outboxed = async (orderId: string, topic: OutputTopic) => {
    const { rows } = await db.query<{ n: number }>(
      'select count(*)::int as n from orders.outbox where aggregateid = $1 and topic = $2',
      [orderId, topic],
    );
    return rows[0]?.n ?? 0;
  };

  return {
    db,
    env,
    produce,
    redeliver,
    ourNews,
    newOrderId,
    eventsOf,
    waitForEvent,
    getOrder,
    waitForStatus,
    setStock,
    stockOf,
    handled,
    settled: settle,
    outboxed,
    emittedOnce: async (orderId, topic) => {
      await settle();
      expect(await outboxed(orderId, topic)).toBe(1);
      await waitForEvent(orderId, topic);
      expect(eventsOf(orderId, topic)).toHaveLength(1);
    },
    requestOrder,
    url,
    output: () => service?.output() ?? '',
  };
}
