import { join } from 'node:path';
import {
  eventually,
  freePort,
  repoRoot,
  runPlatformInit,
  serviceDatabaseUrl,
  type ServiceProcess,
  type StackSettings,
  startProcess,
  useStack,
  waitForHttp,
} from '@order-platform/testing';
import { TOPICS, topicsConsumedBy } from '@order-platform/contracts';
import { createKafka } from '@order-platform/messaging';
import { settled } from '@order-platform/messaging/testing';
import { processes } from '@order-platform/topology';
import { afterAll, beforeAll } from 'vitest';
import { type Endpoints, PlatformClient } from '../src/client';

export type ServiceName = 'basket' | 'order' | 'payment' | 'shipping' | 'email' | 'views';

/**
 * The whole system on the shared stack, as processes: platform-init, the payment provider
 * simulator and the six built services, with short delays so an order finishes in
 * seconds. Each instance gets its own port; `start` adds instances (the same consumer
 * groups, so they share the partitions) and `kill` crashes one. views starts before
 * email: the emails link to its order timeline.
 */
/**
 * The consumer groups whose effects the tests look at after the fact: the email service's
 * (one per event it mails about, as its use cases declare them) and the read side's.
 */
const OBSERVED_GROUPS = [
  ...['order-confirmed', 'order-cancelled', 'order-rejected', 'order-completed'].map((event) => ({
    groupId: `email.send-on-${event}`,
    topics: [`order.${event}.v1`],
  })),
  { groupId: 'views', topics: topicsConsumedBy('views').map((t) => t.topic) },
];

export class RunningSystem {
  readonly instances: { name: ServiceName; process: ServiceProcess; env: Record<string, string> }[] = [];
  provider!: ServiceProcess;
  client!: PlatformClient;

  constructor(private readonly stack: StackSettings) {}

  async start(): Promise<void> {
    runPlatformInit(this.stack);
    const providerPort = String(await freePort());
    this.provider = startProcess(join(repoRoot(), 'packages/payment-provider/dist/main.js'), {
      PORT: providerPort,
      HOST: '127.0.0.1',
      SLOW_DELAY_MS: '1500',
      ALLOW_RESET: 'true',
      LOG_LEVEL: 'warn',
    });
    await waitForHttp(this.provider, '/health/ready');
    for (const name of ['order', 'payment', 'shipping', 'views', 'email', 'basket'] as const)
      await this.startInstance(name);
    this.client = new PlatformClient(this.endpoints());
  }

  endpoints(): Endpoints {
    return {
      basket: this.running('basket')!.process.url,
      order: this.running('order')!.process.url,
      views: this.running('views')!.process.url,
      provider: this.provider.url,
      mailbox: this.stack.smtp.webUrl,
    };
  }

  /** One more instance of a service (or the first), ready when this resolves. */
  async startInstance(name: ServiceName, env?: Record<string, string>): Promise<ServiceProcess> {
    const settings = env ?? (await this.settings(name));
    const process = startProcess(join(repoRoot(), 'services', name, 'dist/main.js'), settings);
    this.instances.push({ name, process, env: settings });
    await waitForHttp(process, '/health/ready', 200, 90_000);
    return process;
  }

  /**
   * Resolves once the email service and the read side have handled and committed all that
   * their topics held when called: an email sent twice would be in the sink by then, and
   * the views show everything published so far.
   */
  async settled(): Promise<void> {
    await settled(
      createKafka({ brokers: this.stack.kafkaBrokers, clientId: 'e2e-settled' }),
      OBSERVED_GROUPS,
    );
  }

  /**
   * Resolves once the whole system is quiet: every consumer group of the catalogue topics has
   * handled all they held, and nothing new was published for `quietMs`. Orders that earlier
   * layers left under way (their payments caught up when this system's payment service
   * starts, then confirmed) have finished by then: a test comparing the day's totals before
   * and after its own orders starts from a total nobody else is still changing.
   */
  async quiet(quietMs = 3_000, timeoutMs = 120_000): Promise<void> {
    const kafka = createKafka({ brokers: this.stack.kafkaBrokers, clientId: 'e2e-quiet' });
    const topics = TOPICS.map((t) => t.topic);
    const ends = () =>
      kafka.withAdmin(async (admin) => {
        const all: number[] = [];
        for (const topic of topics) for (const o of await admin.offsets(topic)) all.push(o.high);
        return all.join(',');
      });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const before = await ends();
      const groups = await kafka.withAdmin((admin) => admin.readersOf(topics));
      await settled(kafka, groups, timeoutMs);
      await new Promise((r) => setTimeout(r, quietMs));
      if ((await ends()) === before) return;
      if (Date.now() > deadline) throw new Error(`the system did not go quiet within ${timeoutMs} ms`);
    }
  }

  /** SIGKILL an instance (no shutdown hooks: a crash), then start it again on the same port. */
  async crashAndRestart(name: ServiceName, downForMs = 1000): Promise<void> {
    const instance = this.instances.find((i) => i.name === name && i.process.child.exitCode === null);
    if (!instance) throw new Error(`no running ${name}`);
    await instance.process.stop('SIGKILL');
    await new Promise((r) => setTimeout(r, downForMs));
    await this.startInstance(name, instance.env);
  }

  /**
   * Stops every process, once the read side shows each order placed through this system in
   * its status at the order service: the next test file then starts from a settled read
   * side, not one still projecting this file's orders (its daily sales would move under it).
   */
  async stop(): Promise<void> {
    try {
      if (this.client) await this.readSideSettled();
    } finally {
      await Promise.all(this.instances.map((i) => i.process.stop('SIGTERM')));
      await this.provider?.stop('SIGTERM');
    }
  }

  private async readSideSettled(timeoutMs = 90_000): Promise<void> {
    const behind = async (orderId: string) => {
      const [order, view] = await Promise.all([
        this.client.order(orderId).catch(() => undefined),
        this.client.timeline(orderId).catch(() => undefined),
      ]);
      return !order || view?.status !== order.status;
    };
    let open = [...this.client.placed];
    await eventually(
      `the read side to show every order in its status (${open.length} left, e.g. ${open[0]})`,
      async () => {
        const still: string[] = [];
        for (const orderId of open) if (await behind(orderId)) still.push(orderId);
        open = still;
        return open.length === 0 ? true : undefined;
      },
      timeoutMs,
      500,
    );
  }

  /** Every instance's output, for a failing test's message. */
  output(): string {
    return this.instances.map((i) => `--- ${i.name}\n${i.process.output().slice(-4000)}`).join('\n');
  }

  /** The first instance of a service that has not exited. */
  private running(name: ServiceName) {
    return this.instances.find((i) => i.name === name && i.process.child.exitCode === null);
  }

  private async settings(name: ServiceName): Promise<Record<string, string>> {
    const common = {
      SERVICE_NAME: name,
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: serviceDatabaseUrl(this.stack, processes[name].databaseRole ?? name),
      KAFKA_BROKERS: this.stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: this.stack.schemaRegistryUrl,
    };
    switch (name) {
      case 'order':
        return { ...common, ORDER_MAX_TOTAL_MINOR: '100000', ALLOW_STOCK_ADMIN: 'true' };
      case 'payment':
        return { ...common, PAYMENT_PROVIDER_URL: this.provider.url, PAYMENT_TIMEOUT_MS: '1000' };
      case 'shipping':
        return {
          ...common,
          SHIPPING_DISPATCH_DELAY_MS: '200',
          SHIPPING_IN_TRANSIT_DELAY_MS: '200',
          SHIPPING_DELIVERY_DELAY_MS: '200',
          SHIPPING_POLL_INTERVAL_MS: '100',
        };
      case 'email':
        return {
          ...common,
          SMTP_HOST: this.stack.smtp.host,
          SMTP_PORT: String(this.stack.smtp.port),
          SMTP_LOOKUP_URL: this.stack.smtp.webUrl,
          ORDER_PAGE_URL: `${this.running('views')!.process.url}/orders/{orderId}/timeline`,
        };
      case 'views':
      case 'basket':
        return common;
    }
  }
}

/**
 * The whole system for one test file: started before its tests, stopped after them once
 * the read side has settled.
 */
export function useRunningSystem(): RunningSystem {
  const system = new RunningSystem(useStack());
  beforeAll(() => system.start());
  afterAll(() => system.stop());
  return system;
}
