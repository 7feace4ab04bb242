import { randomUUID } from 'node:crypto';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import { type EventOf, type TopicName, topicSpec } from '@order-platform/contracts';
import {
  aPaymentFailed,
  aPaymentProcessed,
  aShipmentStatusChanged,
  aTimeline,
  anOrderDelivered,
  anOrderLine,
  anOrderRequested,
  eventually,
} from '@order-platform/contracts/testing';
import { createKafka, createSchemaRegistry } from '@order-platform/messaging';
import {
  freePort,
  runPlatformInit,
  serviceDatabaseUrl,
  type ServiceProcess,
  startService,
  uniqueName,
  useStack,
  waitForHttp,
} from '@order-platform/testing';
import { type Consumer, Partitioners, type Producer } from 'kafkajs';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const OUTPUT_TOPICS = [
  'order.order-validated.v1',
  'order.order-rejected.v1',
  'order.order-confirmed.v1',
  'order.order-cancelled.v1',
  'order.order-completed.v1',
] as const satisfies readonly TopicName[];
type OutputTopic = (typeof OUTPUT_TOPICS)[number];

/**
 * The sequence of the payment and shipment news this test produces. Other tests on the same
 * stack run the real payment and shipping services, which react to this test's orders too;
 * their news carries low sequences, so whichever of it comes after ours is discarded as stale.
 * Ours is also produced at once, well before theirs can make the trip through two outboxes.
 */
const OUR_SEQUENCE = 1000;

interface Emitted {
  topic: OutputTopic;
  event: EventOf<OutputTopic>;
}

interface OrderView {
  orderId: string;
  status: string;
  customerId: string;
  items: unknown[];
  totalMinor: number;
  currency: string;
  history: { from: string | null; to: string; at: string; cause: string; reason?: string }[];
}

describe('order service on the real stack', () => {
  const stack = useStack();
  const registry = createSchemaRegistry(stack.schemaRegistryUrl);
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: uniqueName('order-test') });
  const db = new Pool({ connectionString: serviceDatabaseUrl(stack, 'orders'), max: 3 });
  /** Only events of this run's orders: the topics are shared with other tests and earlier runs. */
  const ours = new Set<string>();
  const emitted = new Map<string, Emitted[]>();
  let service: ServiceProcess;
  let producer: Producer;
  let collector: Consumer;

  const env = async (overrides: Record<string, string> = {}) => ({
    SERVICE_NAME: 'order',
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: serviceDatabaseUrl(stack, 'orders'),
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    ALLOW_STOCK_ADMIN: 'true',
    ...overrides,
  });

  const produce = async <T extends TopicName>(topic: T, event: EventOf<T>) => {
    const spec = topicSpec(topic);
    const id = await registry.getRegistryIdBySchema(spec.subject, {
      type: SchemaType.AVRO,
      schema: spec.schema,
    });
    const { aggregateId } = event as { aggregateId: string };
    await producer.send({ topic, messages: [{ key: aggregateId, value: await registry.encode(id, event) }] });
  };

  const newOrderId = () => {
    const id = randomUUID();
    ours.add(id);
    return id;
  };

  const eventsOf = (orderId: string, topic?: OutputTopic) =>
    (emitted.get(orderId) ?? []).filter((e) => topic === undefined || e.topic === topic);

  const waitForEvent = <T extends OutputTopic>(orderId: string, topic: T) =>
    eventually(
      `${topic} for order ${orderId}`,
      () => eventsOf(orderId, topic)[0]?.event as EventOf<T> | undefined,
    );

  const getOrder = async (orderId: string) => {
    const response = await fetch(`${service.url}/orders/${orderId}`);
    return { status: response.status, body: (await response.json()) as OrderView };
  };

  const waitForStatus = (orderId: string, status: string) =>
    eventually(`order ${orderId} to be ${status}`, async () => {
      const { status: code, body } = await getOrder(orderId);
      return code === 200 && body.status === status ? body : undefined;
    });

  const setStock = async (sku: string, available: number) => {
    const response = await fetch(`${service.url}/admin/stock/${sku}`, {
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
  const requestOrder = async (lines = [anOrderLine({ quantity: 1 })]) => {
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

    producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    collector = kafka.consumer({ groupId: uniqueName('order-test-collector'), readUncommitted: false });
    await collector.connect();
    await collector.subscribe({ topics: [...OUTPUT_TOPICS], fromBeginning: true });
    await collector.run({
      eachMessage: async ({ topic, message }) => {
        const key = message.key?.toString();
        if (!key || !ours.has(key) || !message.value) return;
        const event = (await registry.decode(message.value)) as EventOf<OutputTopic>;
        emitted.set(key, [...(emitted.get(key) ?? []), { topic: topic as OutputTopic, event }]);
      },
    });
  });

  afterAll(async () => {
    await collector?.disconnect();
    await producer?.disconnect();
    await service?.stop('SIGTERM');
    await db.end();
  });

  it('validates an order once, reserves its stock and emits OrderValidated, even when OrderRequested comes twice', async () => {
    await setStock('SKU-TRAY-010', 40);
    const lines = [
      anOrderLine({ sku: 'SKU-TRAY-010', name: 'Bamboo tea tray', quantity: 3, unitPriceMinor: 2900 }),
      anOrderLine({ sku: 'SKU-FLTR-009', name: 'Paper filters, 100 pcs', quantity: 2, unitPriceMinor: 599 }),
    ];
    const { orderId, requested } = await requestOrder(lines);
    await produce('basket.order-requested.v1', requested);

    const validated = await waitForEvent(orderId, 'order.order-validated.v1');
    expect(validated).toMatchObject({
      eventType: 'OrderValidated',
      aggregateId: orderId,
      sequence: 2,
      correlationId: requested.correlationId,
      causationId: requested.eventId,
      customerId: requested.customerId,
      paymentToken: requested.paymentToken,
      items: lines,
      totalMinor: 2 * 599 + 3 * 2900,
      currency: 'EUR',
    });
    const order = await waitForStatus(orderId, 'VALIDATED');
    expect(order).toMatchObject({ customerId: requested.customerId, items: lines, totalMinor: 9898 });
    expect(order.history.map((h) => [h.from, h.to, h.cause])).toEqual([
      [null, 'PENDING', 'OrderRequested'],
      ['PENDING', 'VALIDATED', 'OrderRequested'],
    ]);
    expect(order.history[0]?.at).toBe(new Date(requested.occurredAt).toISOString());

    await handled('order.validate-order-on-order-requested', requested.eventId);
    const { rows } = await db.query(
      'select sku, quantity from orders.reservations where order_id = $1 order by sku',
      [orderId],
    );
    expect(rows).toEqual([
      { sku: 'SKU-FLTR-009', quantity: 2 },
      { sku: 'SKU-TRAY-010', quantity: 3 },
    ]);
    expect(await stockOf('SKU-TRAY-010')).toBe(37);
    // The duplicate had its chance to (wrongly) emit a second event by now.
    await new Promise((r) => setTimeout(r, 2000));
    expect(eventsOf(orderId, 'order.order-validated.v1')).toHaveLength(1);
    expect(eventsOf(orderId, 'order.order-rejected.v1')).toHaveLength(0);
  });

  it('rejects an order for each reason, with nothing reserved, and emits OrderRejected', async () => {
    await setStock('SKU-RARE-012', 1);
    const cases = {
      UNKNOWN_SKU: [anOrderLine({ sku: 'SKU-NOPE-999', name: 'Nothing', quantity: 1, unitPriceMinor: 100 })],
      TOTAL_OVER_LIMIT: [
        anOrderLine({ sku: 'SKU-GRND-006', name: 'Hand coffee grinder', quantity: 15, unitPriceMinor: 6900 }),
      ],
      OUT_OF_STOCK: [
        anOrderLine({
          sku: 'SKU-RARE-012',
          name: 'Aged pu-erh cake, 357 g',
          quantity: 2,
          unitPriceMinor: 15900,
        }),
      ],
    };
    const orders = await Promise.all(
      Object.entries(cases).map(async ([reason, lines]) => ({ reason, ...(await requestOrder(lines)) })),
    );
    const invalidId = newOrderId();
    const invalid = anOrderRequested({ aggregateId: invalidId, occurredAt: Date.now(), totalMinor: 1 });
    await produce('basket.order-requested.v1', invalid);
    orders.push({ reason: 'INVALID_ORDER', orderId: invalidId, requested: invalid });

    for (const { reason, orderId, requested } of orders) {
      const rejected = await waitForEvent(orderId, 'order.order-rejected.v1');
      expect(rejected, reason).toMatchObject({
        eventType: 'OrderRejected',
        sequence: 2,
        causationId: requested.eventId,
        customerId: requested.customerId,
        customerEmail: requested.customerEmail,
        reasonCode: reason,
        items: requested.items,
        totalMinor: requested.totalMinor,
        currency: requested.currency,
      });
      expect(rejected.reason.length, reason).toBeGreaterThan(0);
      const order = await waitForStatus(orderId, 'REJECTED');
      expect(order.history.at(-1)).toMatchObject({
        from: 'PENDING',
        to: 'REJECTED',
        reason: rejected.reason,
      });
      const { rowCount } = await db.query('select 1 from orders.reservations where order_id = $1', [orderId]);
      expect(rowCount, reason).toBe(0);
      expect(eventsOf(orderId, 'order.order-validated.v1')).toHaveLength(0);
    }
    const outOfStock = orders.find((o) => o.reason === 'OUT_OF_STOCK');
    expect(eventsOf(outOfStock?.orderId ?? '', 'order.order-rejected.v1')[0]?.event).toMatchObject({
      unavailableItems: [{ sku: 'SKU-RARE-012', requestedQuantity: 2, availableQuantity: 1 }],
    });
    expect(await stockOf('SKU-RARE-012')).toBe(1);
  });

  it('confirms a paid order with its shipping address once, however often PaymentProcessed comes', async () => {
    const { orderId, requested } = await requestOrder();
    // The payment service carries the flow's correlation id on, and so does the order service.
    const paid = aPaymentProcessed({
      aggregateId: orderId,
      sequence: OUR_SEQUENCE,
      correlationId: requested.correlationId,
      occurredAt: Date.now(),
      amountMinor: requested.totalMinor,
    });
    await produce('payment.payment-processed.v1', paid);
    await produce('payment.payment-processed.v1', paid);

    const confirmed = await waitForEvent(orderId, 'order.order-confirmed.v1');
    expect(confirmed).toMatchObject({
      eventType: 'OrderConfirmed',
      sequence: 3,
      correlationId: requested.correlationId,
      causationId: paid.eventId,
      customerId: requested.customerId,
      customerEmail: requested.customerEmail,
      shippingAddress: requested.shippingAddress,
      items: requested.items,
      totalMinor: requested.totalMinor,
      currency: requested.currency,
      paymentId: paid.paymentId,
    });
    await waitForStatus(orderId, 'CONFIRMED');
    await handled('order.confirm-order-on-payment-processed', paid.eventId);
    await new Promise((r) => setTimeout(r, 2000));
    expect(eventsOf(orderId, 'order.order-confirmed.v1')).toHaveLength(1);
    const { rows } = await db.query<{ version: number }>('select version from orders.orders where id = $1', [
      orderId,
    ]);
    expect(rows[0]?.version).toBe(3);
  });

  it('parks news about an order it does not know yet in a retry topic, and applies it once the order exists', async () => {
    const orderId = newOrderId();
    const requested = anOrderRequested({ aggregateId: orderId, occurredAt: Date.now() });
    const paid = aPaymentProcessed({
      aggregateId: orderId,
      sequence: OUR_SEQUENCE,
      correlationId: requested.correlationId,
      occurredAt: Date.now(),
    });
    await produce('payment.payment-processed.v1', paid);
    await eventually(`PaymentProcessed for the unknown order ${orderId} to be parked`, () =>
      service
        .output()
        .split('\n')
        .find((line) => line.includes('message parked in a retry topic') && line.includes(orderId)),
    );
    await produce('basket.order-requested.v1', requested);

    expect(await handled('order.confirm-order-on-payment-processed', paid.eventId)).toBe('applied');
    const order = await waitForStatus(orderId, 'CONFIRMED');
    expect(order.history.map((h) => h.to)).toEqual(['PENDING', 'VALIDATED', 'CONFIRMED']);
    // A payment service running for another test may have confirmed the order first (our
    // payment news waited in the retry topic meanwhile); either way it is confirmed once.
    await new Promise((r) => setTimeout(r, 2000));
    expect(eventsOf(orderId, 'order.order-confirmed.v1')).toHaveLength(1);
  });

  it('cancels an order whose payment failed and releases exactly the stock it reserved', async () => {
    await setStock('SKU-TRAY-010', 40);
    const { orderId, requested } = await requestOrder([
      anOrderLine({ sku: 'SKU-TRAY-010', name: 'Bamboo tea tray', quantity: 2, unitPriceMinor: 2900 }),
      anOrderLine({ sku: 'SKU-TRAY-010', name: 'Bamboo tea tray', quantity: 1, unitPriceMinor: 2900 }),
    ]);
    const failed = aPaymentFailed({
      aggregateId: orderId,
      sequence: OUR_SEQUENCE,
      occurredAt: Date.now(),
      reason: 'The card was declined.',
    });
    await produce('payment.payment-failed.v1', failed);
    await produce('payment.payment-failed.v1', failed);
    const cancelled = await waitForEvent(orderId, 'order.order-cancelled.v1');
    expect(cancelled).toMatchObject({
      eventType: 'OrderCancelled',
      sequence: 3,
      causationId: failed.eventId,
      customerEmail: requested.customerEmail,
      reasonCode: 'PAYMENT_FAILED',
      reason: 'The card was declined.',
      items: requested.items,
      totalMinor: 8700,
    });
    const order = await waitForStatus(orderId, 'CANCELLED');
    expect(order.history.at(-1)).toMatchObject({
      from: 'VALIDATED',
      to: 'CANCELLED',
      cause: 'PaymentFailed',
    });
    await handled('order.cancel-order-on-payment-failed', failed.eventId);
    expect(await stockOf('SKU-TRAY-010')).toBe(40);
    const { rowCount } = await db.query('select 1 from orders.reservations where order_id = $1', [orderId]);
    expect(rowCount).toBe(0);
  });

  it('follows the shipment forward only, records DELIVERED before a late IN_TRANSIT, and completes the order once', async () => {
    const { orderId, requested } = await requestOrder();
    await produce(
      'payment.payment-processed.v1',
      aPaymentProcessed({ aggregateId: orderId, sequence: OUR_SEQUENCE, occurredAt: Date.now() }),
    );
    await waitForStatus(orderId, 'CONFIRMED');

    const start = Date.now();
    const shipmentId = randomUUID();
    const shipment = { aggregateId: orderId, shipmentId };
    await produce(
      'shipping.shipment-status-changed.v1',
      aShipmentStatusChanged({
        ...shipment,
        status: 'DISPATCHED',
        sequence: OUR_SEQUENCE,
        occurredAt: start,
        timeline: aTimeline('DISPATCHED', start),
      }),
    );
    const delivered = anOrderDelivered({
      ...shipment,
      sequence: OUR_SEQUENCE,
      occurredAt: start + 7_200_000,
      deliveredAt: start + 7_200_000,
      timeline: aTimeline('DELIVERED', start),
    });
    await produce('shipping.order-delivered.v1', delivered);
    await produce('shipping.order-delivered.v1', delivered);
    const completed = await waitForEvent(orderId, 'order.order-completed.v1');
    expect(completed).toMatchObject({
      eventType: 'OrderCompleted',
      sequence: 6,
      causationId: delivered.eventId,
      customerId: requested.customerId,
      customerEmail: requested.customerEmail,
      items: requested.items,
      totalMinor: requested.totalMinor,
      currency: 'EUR',
      shipmentId,
      deliveredAt: delivered.deliveredAt,
    });

    const lateInTransit = aShipmentStatusChanged({
      ...shipment,
      status: 'IN_TRANSIT',
      sequence: OUR_SEQUENCE + 1,
      occurredAt: start + 3_600_000,
      timeline: aTimeline('IN_TRANSIT', start),
    });
    await produce('shipping.shipment-status-changed.v1', lateInTransit);
    const again = anOrderDelivered({
      ...delivered,
      eventId: randomUUID(),
      sequence: OUR_SEQUENCE + 1,
      occurredAt: start + 7_300_000,
    });
    await produce('shipping.order-delivered.v1', again);
    expect(await handled('order.track-shipment-on-status-changed', lateInTransit.eventId)).toBe('applied');
    expect(await handled('order.record-delivery-on-order-delivered', again.eventId)).toBe('applied');

    const order = await waitForStatus(orderId, 'DELIVERED');
    expect(order.history.map((h) => [h.from, h.to])).toEqual([
      [null, 'PENDING'],
      ['PENDING', 'VALIDATED'],
      ['VALIDATED', 'CONFIRMED'],
      ['CONFIRMED', 'DISPATCHED'],
      ['DISPATCHED', 'IN_TRANSIT'],
      ['IN_TRANSIT', 'DELIVERED'],
    ]);
    expect(order.history.at(-1)).toMatchObject({
      at: new Date(delivered.deliveredAt).toISOString(),
      cause: 'OrderDelivered',
    });
    await new Promise((r) => setTimeout(r, 2000));
    expect(eventsOf(orderId, 'order.order-completed.v1')).toHaveLength(1);
  });

  it('never oversells: 20 orders race for the last 5 units and exactly 5 are validated', async () => {
    await setStock('SKU-LTD-011', 5);
    const line = anOrderLine({
      sku: 'SKU-LTD-011',
      name: 'Limited edition tea caddy',
      quantity: 1,
      unitPriceMinor: 8900,
    });
    const orders = await Promise.all(Array.from({ length: 20 }, () => requestOrder([line])));
    const outcomes = await Promise.all(
      orders.map(({ orderId }) =>
        eventually(`the outcome of order ${orderId}`, () => eventsOf(orderId)[0]?.topic),
      ),
    );
    expect(outcomes.filter((t) => t === 'order.order-validated.v1')).toHaveLength(5);
    const rejections = orders
      .flatMap(({ orderId }) => eventsOf(orderId, 'order.order-rejected.v1'))
      .map((e) => (e.event as EventOf<'order.order-rejected.v1'>).reasonCode);
    expect(rejections).toEqual(Array.from({ length: 15 }, () => 'OUT_OF_STOCK'));
    expect(await stockOf('SKU-LTD-011')).toBe(0);
    const { rows } = await db.query<{ reserved: string }>(
      'select coalesce(sum(quantity), 0) as reserved from orders.reservations where order_id = any($1)',
      [orders.map((o) => o.orderId)],
    );
    expect(Number(rows[0]?.reserved)).toBe(5);
  });

  it('answers 404 for an unknown order, 400 for a malformed id or stock, and keeps stock administration closed by default', async () => {
    expect((await fetch(`${service.url}/orders/${randomUUID()}`)).status).toBe(404);
    const malformed = await fetch(`${service.url}/orders/not-an-id`);
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toContain('not an order id');
    const badStock = await fetch(`${service.url}/admin/stock/SKU-TEA-001`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ available: -1 }),
    });
    expect(badStock.status).toBe(400);
    expect((await fetch(`${service.url}/admin/stock/SKU-NOPE-999`)).status).toBe(404);
    expect(await (await fetch(`${service.url}/admin/stock/SKU-LTD-011`)).json()).toEqual({
      sku: 'SKU-LTD-011',
      available: 0,
    });

    const closed = startService('order', await env({ ALLOW_STOCK_ADMIN: 'false' }));
    try {
      await waitForHttp(closed, '/health/live');
      expect((await fetch(`${closed.url}/admin/stock/SKU-TEA-001`)).status).toBe(403);
    } finally {
      await closed.stop('SIGTERM');
    }
  });
});
