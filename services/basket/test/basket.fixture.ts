import { randomUUID } from 'node:crypto';
import type { EventOf } from '@order-platform/contracts';
import { createKafka, createSchemaRegistry } from '@order-platform/messaging';
import { TopicReader } from '@order-platform/messaging/testing';
import {
  eventually,
  runPlatformInit,
  type ServiceProcess,
  startOnStack,
  uniqueName,
  useStack,
} from '@order-platform/testing';
import { Pool } from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';

export const TOPIC = 'basket.order-requested.v1';

export const anAddress = (overrides: Record<string, unknown> = {}) => ({
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  line2: 'Flat 3',
  postalCode: 'SW1Y 4JH',
  city: 'London',
  region: null,
  country: 'GB',
  ...overrides,
});

export const aCheckout = (overrides: Record<string, unknown> = {}) => ({
  paymentToken: 'tok_ok',
  email: 'ada@example.com',
  shippingAddress: anAddress(),
  ...overrides,
});

type OrderRequested = EventOf<typeof TOPIC>;

export interface BasketService {
  /** Superuser connections, to look at what the service stored. */
  admin: Pool;
  /** Every OrderRequested of this run seen on the topic, by order id (raw). */
  seen: Map<string, { key: string | null; values: Buffer[] }>;
  url(): string;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** A new basket of a new customer holding `items` (sku: quantity). */
  aBasketWith(items: Record<string, number>): Promise<string>;
  checkOut(
    basketId: string,
    key: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  /** Waits for `count` OrderRequested of the order on the topic, decoded. */
  eventsOf(
    orderId: string,
    count: number,
    timeoutMs?: number,
  ): Promise<{ key: string | null; events: OrderRequested[] }>;
  count(sql: string, params: unknown[]): Promise<number>;
}

/**
 * The basket through its HTTP API, as a built process on the real stack, with a reader of
 * the OrderRequested its checkouts send through the outbox and Debezium. Registers the
 * suite's beforeAll and afterAll; call it at the top of a describe.
 */
export function useBasketService(): BasketService {
  const stack = useStack();
  const registry = createSchemaRegistry(stack.schemaRegistryUrl);
  const admin = new Pool({ connectionString: stack.postgresAdminUrl, max: 2 });
  const seen = new Map<string, { key: string | null; values: Buffer[] }>();
  let reader: TopicReader | undefined;
  let service: ServiceProcess | undefined;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${url()}${path}`, {
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
    await eventually(
      `${count} OrderRequested for ${orderId}`,
      () => ((seen.get(orderId)?.values.length ?? 0) >= count ? true : undefined),
      timeoutMs,
      100,
    );
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
    service = await startOnStack(stack, 'basket', { timeoutMs: 60_000 });

    // The topic is shared with other tests and earlier runs: keep only what this run's orders got.
    const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: uniqueName('basket_test') });
    reader = new TopicReader(kafka, [TOPIC], {
      keep: () => false,
      onRecord: ({ key, value }) => {
        if (!key || !value) return;
        const entry = seen.get(key) ?? { key, values: [] };
        entry.values.push(value);
        seen.set(key, entry);
      },
    });
    await reader.start();
  });

  afterAll(async () => {
    await reader?.stop();
    await service?.stop('SIGTERM');
    await admin.end();
  });

  function url(): string {
    if (!service) throw new Error('the basket service has not started');
    return service.url;
  }

  return { admin, seen, url, call, aBasketWith, checkOut, eventsOf, count };
}
