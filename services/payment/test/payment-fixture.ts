import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventOf, TopicName } from '@order-platform/contracts';
import { anOrderValidated } from '@order-platform/contracts/testing';
import { TopicReader as KafkaTopicReader, settled } from '@order-platform/messaging/testing';
import { EventBus } from '@order-platform/service-kit/testing';
import {
  eventually,
  freePort,
  repoRoot,
  runPlatformInit,
  type ServiceProcess,
  serviceDatabaseUrl,
  startOnStack,
  startProcess,
  type StackSettings,
  useStack,
} from '@order-platform/testing';
import { Pool } from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** The payment provider simulator, as its own process on `port`. */
export function startProvider(port: number, overrides: Record<string, string> = {}): ServiceProcess {
  return startProcess(join(repoRoot(), 'packages/payment-provider/dist/main.js'), {
    PORT: String(port),
    HOST: '127.0.0.1',
    SLOW_DELAY_MS: '1500',
    ALLOW_RESET: 'true',
    LOG_LEVEL: 'warn',
    ...overrides,
  });
}

export interface ProviderLedger {
  charges: { id: string; orderId: string; amountMinor: number; currency: string; idempotencyKey: string }[];
  attempts: { attempt: number; orderId: string; idempotencyKey: string; result: string }[];
}

export async function ledgerOf(provider: ServiceProcess, orderId: string): Promise<ProviderLedger> {
  const response = await fetch(`${provider.url}/charges?orderId=${encodeURIComponent(orderId)}`);
  return (await response.json()) as ProviderLedger;
}

/** Whether the simulator still remembers the idempotency key (it forgets after its TTL). */
export async function keyRemembered(provider: ServiceProcess, key: string): Promise<boolean> {
  const response = await fetch(`${provider.url}/charges/by-key/${encodeURIComponent(key)}`);
  return ((await response.json()) as { remembered: boolean }).remembered;
}

export interface PaymentHealth {
  status: number;
  body: { status: string; details: { paymentProvider?: { breaker: string; duePayments: number | null } } };
}

/** The payment service's /health/ready answer, status and body. */
export async function readiness(payment: ServiceProcess): Promise<PaymentHealth> {
  const response = await fetch(`${payment.url}/health/ready`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as PaymentHealth['body'] };
}

/**
 * The built payment service on its real role and schema, pointed at `providerUrl`; waits
 * until it is ready (or only live: a successor of a killed instance may wait for Kafka's
 * session timeout before its consumer joins, while its charger already works).
 */
export async function startPayment(
  stack: StackSettings,
  providerUrl: string,
  overrides: Record<string, string> = {},
  waitFor: 'ready' | 'live' = 'ready',
): Promise<ServiceProcess> {
  return startOnStack(stack, 'payment', {
    env: { PAYMENT_PROVIDER_URL: providerUrl, ...overrides },
    until: `/health/${waitFor}`,
  });
}

/**
 * Reads a topic from its beginning (topics are shared with other tests and runs) and keeps
 * the decoded records whose key is one of this test's order ids.
 */
export class TopicReader<T> {
  private readonly records: { key: string; value: T }[] = [];
  private readonly reader: KafkaTopicReader;

  constructor(
    private readonly env: PaymentTestEnv,
    readonly topic: string,
  ) {
    this.reader = new KafkaTopicReader(env.bus.kafka, [topic], {
      keep: () => false,
      onRecord: async ({ key, value }) => {
        if (!key || !value || !env.orderIds.has(key)) return;
        this.records.push({ key, value: await env.bus.decode<T>(value) });
      },
    });
  }

  async start(): Promise<this> {
    await this.reader.start();
    return this;
  }

  of(orderId: string): T[] {
    return this.records.filter((r) => r.key === orderId).map((r) => r.value);
  }

  async waitFor(orderId: string, count = 1, timeoutMs = 60_000): Promise<T[]> {
    await waitUntil(
      () => this.of(orderId).length >= count,
      `${count} record(s) of ${orderId} on ${this.topic}`,
      timeoutMs,
    );
    return this.of(orderId);
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}

/** Kafka, the registry and Postgres as the test drives and inspects them. */
export class PaymentTestEnv {
  readonly bus: EventBus;
  readonly db: Pool;
  readonly admin: Pool;
  /** The order ids this test run made: readers keep only these. */
  readonly orderIds = new Set<string>();

  constructor(stack: StackSettings) {
    this.bus = new EventBus(stack);
    this.db = new Pool({ connectionString: serviceDatabaseUrl(stack, 'payment'), max: 2 });
    this.admin = new Pool({ connectionString: stack.postgresAdminUrl, max: 1 });
  }

  track(orderId: string): string {
    this.orderIds.add(orderId);
    return orderId;
  }

  /** An OrderValidated of a fresh order of this test, paid with `token`. */
  anOrder(
    paymentToken: string,
    overrides: Partial<EventOf<'order.order-validated.v1'>> = {},
  ): EventOf<'order.order-validated.v1'> {
    const event = anOrderValidated({
      aggregateId: randomUUID(),
      paymentToken,
      occurredAt: Date.now(),
      ...overrides,
    });
    this.track(event.aggregateId);
    return event;
  }

  /** Produces OrderValidated events, in order, onto the topic payment charges from. */
  async sendValidated(...events: EventOf<'order.order-validated.v1'>[]): Promise<void> {
    const topic = 'order.order-validated.v1';
    for (const event of events)
      await this.send(topic, { key: event.aggregateId, value: await this.encode(topic, event) });
  }

  encode<T extends TopicName>(topic: T, event: EventOf<T>): Promise<Buffer> {
    return this.bus.encode(topic, event);
  }

  /** Produces encoded events onto the real catalogue topic, keyed by order id. */
  send<T extends TopicName>(topic: T, ...values: { key: string; value: Buffer }[]): Promise<void> {
    return this.bus.send(topic, ...values);
  }

  /** Resolves once payment's group has handled and committed all its topic held when called. */
  settled(): Promise<void> {
    return settled(this.bus.kafka, [
      { groupId: 'payment.charge-on-order-validated', topics: ['order.order-validated.v1'] },
    ]);
  }

  async payment(orderId: string): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.db.query<Record<string, unknown>>(
      'select * from payments where order_id = $1',
      [orderId],
    );
    return rows[0];
  }

  async transactions(orderId: string): Promise<{ outcome: string; sequence: string }[]> {
    const { rows } = await this.db.query<{ outcome: string; sequence: string }>(
      `select outcome, sequence::text from message_transactions
        where consumer_group = 'payment.charge-on-order-validated' and aggregate_id = $1 order by sequence`,
      [orderId],
    );
    return rows;
  }

  async outboxCount(orderId: string): Promise<number> {
    const { rows } = await this.admin.query<{ n: number }>(
      'select count(*)::int as n from payment.outbox where aggregateid = $1',
      [orderId],
    );
    return rows[0]?.n ?? 0;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.bus.close(), this.db.end(), this.admin.end()]);
  }
}

export async function waitUntil(
  probe: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  await eventually(what, async () => ((await probe()) ? true : undefined), timeoutMs);
}

/** What a payment test file works with; `provider` may be replaced by a test that restarts it. */
export interface PaymentWorld {
  stack: StackSettings;
  env: PaymentTestEnv;
  providerPort: number;
  provider: ServiceProcess;
  processed: TopicReader<EventOf<'payment.payment-processed.v1'>>;
  failed: TopicReader<EventOf<'payment.payment-failed.v1'>>;
  /** An OrderValidated of a fresh order of this test, paid with `token`. */
  anOrder(
    token: string,
    overrides?: Partial<EventOf<'order.order-validated.v1'>>,
  ): EventOf<'order.order-validated.v1'>;
  /** Produces OrderValidated events, in order, onto the topic payment charges from. */
  send(...events: EventOf<'order.order-validated.v1'>[]): Promise<void>;
}

/**
 * Sets up a test file's payment world before its tests and tears it down after them: the
 * environment, a provider simulator on a port of its own (with `providerSettings`) and the
 * readers of both outcomes. Each file starts the payment service as it needs, and stops it
 * in an afterAll of its own, which runs before this one's.
 */
export function usePaymentWorld(providerSettings: Record<string, string> = {}): PaymentWorld {
  const world = {
    stack: useStack(),
    anOrder: (token, overrides = {}) => world.env.anOrder(token, overrides),
    send: (...events) => world.env.sendValidated(...events),
  } as PaymentWorld;
  beforeAll(async () => {
    runPlatformInit(world.stack);
    world.env = new PaymentTestEnv(world.stack);
    world.providerPort = await freePort();
    world.provider = startProvider(world.providerPort, providerSettings);
    world.processed = await new TopicReader<EventOf<'payment.payment-processed.v1'>>(
      world.env,
      'payment.payment-processed.v1',
    ).start();
    world.failed = await new TopicReader<EventOf<'payment.payment-failed.v1'>>(
      world.env,
      'payment.payment-failed.v1',
    ).start();
  });
  afterAll(async () => {
    await Promise.allSettled([world.processed?.stop(), world.failed?.stop()]);
    await world.provider?.stop();
    await world.env?.close();
  });
  return world;
}
