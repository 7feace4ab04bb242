import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventOf, topicSpec } from '@order-platform/contracts';
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

const TOPIC = 'basket.order-requested.v1';

const anAddress = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  line2: 'Flat 3',
  postalCode: 'SW1Y 4JH',
  city: 'London',
  region: null,
  country: 'GB',
  ...overrides,
});

const aCheckout = (overrides: Record<string, unknown> = {}) => ({
  paymentToken: 'tok_ok',
  email: 'ada@example.com',
  shippingAddress: anAddress(),
  ...overrides,
});

/**
 * The basket through its HTTP API, as a built process on the real stack: every answer the
 * API gives, what it stores, and the OrderRequested a checkout sends through the outbox and
 * Debezium to its topic.
 */
describe('basket service', () => {
  const stack = useStack();
  const registry = createSchemaRegistry(stack.schemaRegistryUrl);
  const admin = new Pool({ connectionString: stack.postgresAdminUrl, max: 2 });
  const seen = new Map<string, { key: string | null; values: Buffer[] }>();
  let consumer: Consumer;
  let service: ServiceProcess;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${service.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }

  async function aBasketWith(items: Record<string, number>): Promise<string> {
    const opened = await call('POST', '/baskets', { customerId: `customer-${randomUUID()}` });
    expect(opened.status).toBe(201);
    const basketId = opened.body.basketId as string;
    for (const [sku, quantity] of Object.entries(items)) {
      expect((await call('PUT', `/baskets/${basketId}/items/${sku}`, { quantity })).status).toBe(200);
    }
    return basketId;
  }

  const checkOut = (basketId: string, key: string | undefined, body: unknown = aCheckout()) =>
    call('POST', `/baskets/${basketId}/checkout`, body, key === undefined ? {} : { 'Idempotency-Key': key });

  async function eventsOf(orderId: string, count: number, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    while ((seen.get(orderId)?.values.length ?? 0) < count) {
      if (Date.now() > deadline) throw new Error(`no OrderRequested for ${orderId} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const { key, values } = seen.get(orderId)!;
    return {
      key,
      events: await Promise.all(values.map((v) => registry.decode(v) as Promise<EventOf<typeof TOPIC>>)),
    };
  }

  async function count(sql: string, params: unknown[]): Promise<number> {
    const { rows } = await admin.query<{ n: string }>(sql, params);
    return Number(rows[0]?.n);
  }

  beforeAll(async () => {
    runPlatformInit(stack);
    service = startService('basket', {
      SERVICE_NAME: 'basket',
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      DATABASE_URL: serviceDatabaseUrl(stack, 'basket'),
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    });
    await waitForHttp(service, '/health/ready', 200, 60_000);

    // The topic is shared with other tests and earlier runs: keep only what this run's orders got.
    consumer = createKafka({ brokers: stack.kafkaBrokers, clientId: 'basket-test' }).consumer({
      groupId: uniqueName('basket_test'),
      readUncommitted: false,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        const key = message.key?.toString() ?? null;
        if (key && message.value) {
          const entry = seen.get(key) ?? { key, values: [] };
          entry.values.push(message.value);
          seen.set(key, entry);
        }
        return Promise.resolve();
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await service?.stop('SIGTERM');
    await admin.end();
  });

  it('lists the catalogue its migration seeded, in EUR minor units', async () => {
    const { status, body } = await call('GET', '/products');
    expect(status).toBe(200);
    const products = body as unknown as { sku: string; name: string; priceMinor: number; currency: string }[];
    expect(products).toHaveLength(12);
    expect(products).toContainEqual({
      sku: 'SKU-TEA-001',
      name: 'Sencha green tea, 100 g',
      priceMinor: 1250,
      currency: 'EUR',
    });
    expect(products).toContainEqual({
      sku: 'SKU-RARE-012',
      name: 'Aged pu-erh cake, 357 g',
      priceMinor: 15900,
      currency: 'EUR',
    });
    expect(products.every((p) => p.currency === 'EUR' && Number.isInteger(p.priceMinor))).toBe(true);
  });

  it('serves its OpenAPI document and UI at /docs', async () => {
    const ui = await fetch(`${service.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const document = (await (await fetch(`${service.url}/docs-json`)).json()) as { paths: object };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/products',
        '/baskets',
        '/baskets/{basketId}',
        '/baskets/{basketId}/items/{sku}',
        '/baskets/{basketId}/checkout',
      ]),
    );
  });

  it('opens a basket, sets, changes and removes items at catalogue prices, and totals them', async () => {
    const opened = await call('POST', '/baskets', { customerId: 'customer-1' });
    expect(opened.status).toBe(201);
    const basketId = opened.body.basketId as string;
    expect(await call('GET', `/baskets/${basketId}`)).toEqual({
      status: 200,
      body: {
        basketId,
        customerId: 'customer-1',
        currency: 'EUR',
        items: [],
        totalMinor: 0,
        status: 'open',
        checkout: null,
      },
    });
    await call('PUT', `/baskets/${basketId}/items/SKU-TEA-001`, { quantity: 2 });
    await call('PUT', `/baskets/${basketId}/items/SKU-MUG-002`, { quantity: 1 });
    const changed = await call('PUT', `/baskets/${basketId}/items/SKU-TEA-001`, { quantity: 3 });
    expect(changed.status).toBe(200);
    expect(changed.body.totalMinor).toBe(3 * 1250 + 1899);
    const removed = await call('PUT', `/baskets/${basketId}/items/SKU-MUG-002`, { quantity: 0 });
    expect(removed.body.items).toEqual([
      {
        sku: 'SKU-TEA-001',
        name: 'Sencha green tea, 100 g',
        quantity: 3,
        unitPriceMinor: 1250,
        lineTotalMinor: 3750,
      },
    ]);
    expect((await call('GET', `/baskets/${basketId}`)).body.totalMinor).toBe(3750);
  });

  it('answers 404 for an unknown basket or product', async () => {
    const basketId = await aBasketWith({});
    const unknownBasket = await call('GET', `/baskets/${randomUUID()}`);
    expect(unknownBasket.status).toBe(404);
    expect(unknownBasket.body.message).toMatch(/no basket/);
    expect((await call('GET', '/baskets/not-a-uuid')).status).toBe(404);
    expect((await call('PUT', `/baskets/${randomUUID()}/items/SKU-TEA-001`, { quantity: 1 })).status).toBe(
      404,
    );
    const unknownSku = await call('PUT', `/baskets/${basketId}/items/SKU-NOPE-999`, { quantity: 1 });
    expect(unknownSku.status).toBe(404);
    expect(unknownSku.body.message).toMatch(/SKU-NOPE-999/);
    expect((await checkOut(randomUUID(), randomUUID())).status).toBe(404);
  });

  it.each([
    ['a negative quantity', { quantity: -1 }],
    ['a quantity over 100', { quantity: 101 }],
    ['a fraction', { quantity: 1.5 }],
    ['a string', { quantity: '2' }],
    ['no quantity', {}],
    ['an unknown field', { quantity: 1, price: 1 }],
  ])('refuses %s with 400 and a reason', async (_, body) => {
    const basketId = await aBasketWith({});
    const answer = await call('PUT', `/baskets/${basketId}/items/SKU-TEA-001`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it.each([
    ['malformed JSON', '{"customerId": '],
    ['no customerId', {}],
    ['a numeric customerId', { customerId: 42 }],
    ['a blank customerId', { customerId: '  ' }],
    ['a JSON array', [1, 2]],
  ])('refuses to open a basket with %s: 400 with a reason', async (_, body) => {
    const answer = await call('POST', '/baskets', body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it('refuses a body over the limit with 413, and never answers 500', async () => {
    const answer = await call('POST', '/baskets', { customerId: 'x'.repeat(20_000) });
    expect(answer.status).toBe(413);
    const checkout = await checkOut(await aBasketWith({ 'SKU-TEA-001': 1 }), randomUUID(), {
      ...aCheckout(),
      paymentToken: 'x'.repeat(20_000),
    });
    expect(checkout.status).toBe(413);
  });

  it.each([
    ['a bad email', aCheckout({ email: 'not-an-email' })],
    ['no payment token', aCheckout({ paymentToken: undefined })],
    ['no shipping address', aCheckout({ shippingAddress: undefined })],
    ['an address without a city', aCheckout({ shippingAddress: anAddress({ city: undefined }) })],
    [
      'a country that is not a 2-letter code',
      aCheckout({ shippingAddress: anAddress({ country: 'Germany' }) }),
    ],
    ['a numeric payment token', aCheckout({ paymentToken: 4242 })],
    ['malformed JSON', '{"paymentToken": "tok_ok",'],
  ])('refuses a checkout with %s: 400 with a reason, and no order', async (_, body) => {
    const basketId = await aBasketWith({ 'SKU-TEA-001': 1 });
    const answer = await checkOut(basketId, randomUUID(), body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toEqual(expect.any(String));
    expect((await call('GET', `/baskets/${basketId}`)).body.status).toBe('open');
  });

  it('requires the Idempotency-Key header (400) and refuses an empty basket (422)', async () => {
    const missing = await checkOut(await aBasketWith({ 'SKU-TEA-001': 1 }), undefined);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/Idempotency-Key/);
    const empty = await checkOut(await aBasketWith({}), randomUUID());
    expect(empty.status).toBe(422);
    expect(empty.body.message).toMatch(/empty/);
  });

  it('checks out once: the same key replays the order, another key or a change is refused with 409', async () => {
    const basketId = await aBasketWith({ 'SKU-POT-003': 1 });
    const key = randomUUID();
    const first = await checkOut(basketId, key);
    expect(first.status).toBe(202);
    const orderId = first.body.orderId as string;
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);

    expect(await checkOut(basketId, key)).toEqual({ status: 202, body: { orderId } });
    expect((await checkOut(basketId, randomUUID())).status).toBe(409);
    expect((await call('PUT', `/baskets/${basketId}/items/SKU-POT-003`, { quantity: 2 })).status).toBe(409);
    // The key belongs to this basket's checkout: another basket cannot reuse it.
    expect((await checkOut(await aBasketWith({ 'SKU-MUG-002': 1 }), key)).status).toBe(409);

    const basket = await call('GET', `/baskets/${basketId}`);
    expect(basket.body).toMatchObject({ status: 'checked-out', checkout: { orderId } });
    expect(await count('select count(*) as n from basket.checkouts where basket_id = $1', [basketId])).toBe(
      1,
    );
    expect(await count('select count(*) as n from basket.outbox where aggregateid = $1', [orderId])).toBe(1);
  });

  it('makes one order of 10 concurrent checkouts with the same key', async () => {
    const basketId = await aBasketWith({ 'SKU-BEAN-005': 2 });
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => checkOut(basketId, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    const orderIds = new Set(answers.map((a) => a.body.orderId));
    expect(orderIds.size).toBe(1);
    const [orderId] = [...orderIds] as string[];
    expect(await count('select count(*) as n from basket.checkouts where basket_id = $1', [basketId])).toBe(
      1,
    );
    expect(await count('select count(*) as n from basket.outbox where aggregateid = $1', [orderId])).toBe(1);
    const { events } = await eventsOf(orderId!, 1);
    expect(events).toHaveLength(1);
  });

  it('sends OrderRequested through the outbox and Debezium: key = order id, every field from the checkout', async () => {
    const customerId = `customer-${randomUUID()}`;
    const opened = await call('POST', '/baskets', { customerId });
    const basketId = opened.body.basketId as string;
    await call('PUT', `/baskets/${basketId}/items/SKU-TEA-001`, { quantity: 2 });
    await call('PUT', `/baskets/${basketId}/items/SKU-RARE-012`, { quantity: 1 });
    const key = `checkout-${randomUUID()}`;
    const before = Date.now();
    const answer = await checkOut(basketId, key, {
      paymentToken: 'tok_ok',
      email: 'grace@example.com',
      shippingAddress: {
        name: 'Grace Hopper',
        line1: 'Unter den Linden 1',
        postalCode: '10117',
        city: 'Berlin',
        region: 'Berlin',
        country: 'DE',
      },
    });
    expect(answer.status).toBe(202);
    const orderId = answer.body.orderId as string;

    const { key: recordKey, events } = await eventsOf(orderId, 1);
    expect(recordKey).toBe(orderId);
    const { eventId, occurredAt, ...event } = events[0]!;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(occurredAt).toBeGreaterThanOrEqual(before - 1000);
    const { rows } = await admin.query<{ correlation_id: string }>(
      'select correlation_id from basket.checkouts where order_id = $1',
      [orderId],
    );
    expect(event).toEqual({
      eventType: topicSpec(TOPIC).eventType,
      aggregateId: orderId,
      sequence: 1,
      correlationId: rows[0]?.correlation_id,
      causationId: key,
      basketId,
      customerId,
      customerEmail: 'grace@example.com',
      shippingAddress: {
        recipientName: 'Grace Hopper',
        line1: 'Unter den Linden 1',
        line2: null,
        city: 'Berlin',
        postalCode: '10117',
        region: 'Berlin',
        countryCode: 'DE',
      },
      paymentToken: 'tok_ok',
      items: [
        { sku: 'SKU-TEA-001', name: 'Sencha green tea, 100 g', quantity: 2, unitPriceMinor: 1250 },
        { sku: 'SKU-RARE-012', name: 'Aged pu-erh cake, 357 g', quantity: 1, unitPriceMinor: 15900 },
      ],
      totalMinor: 2 * 1250 + 15900,
      currency: 'EUR',
    });
    expect(event.correlationId).toMatch(/^[0-9a-f-]{36}$/);

    // A replayed checkout writes nothing: still one event for the order a while later.
    expect((await checkOut(basketId, key)).body.orderId).toBe(orderId);
    await new Promise((r) => setTimeout(r, 3000));
    expect(seen.get(orderId)?.values).toHaveLength(1);
  });
});
