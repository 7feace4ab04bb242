import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '@order-platform/contracts/testing';
import { createKafka, createSchemaRegistry } from '@order-platform/messaging';
import {
  freePort,
  repoRoot,
  runPlatformInit,
  serviceDatabaseUrl,
  type ServiceProcess,
  startService,
  useStack,
  waitForHttp,
} from '@order-platform/testing';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewChecksum } from '../src/projection/view-tables';
import type { DailySales } from '../src/query/daily-sales.controller';
import type { ReplayProgress } from '../src/replay/progress';
import { replay, ReplayBusyError, type ReplayOptions } from '../src/replay/replay';
import { VIEWS } from '../src/views/catalog';
import { dailySalesView } from '../src/views/daily-sales.view';
import { orderTimelineView } from '../src/views/order-timeline.view';
import type { ViewDefinition } from '../src/views/view';
import { mixedWorkload, type PublishedEvent, type WorkloadOrder, WorkloadPublisher } from './workload';

const stack = useStack();

interface Timeline {
  orderId: string;
  status: string;
  customerId: string;
  totalMinor: number;
  currency: string;
  payment: { status: string; amountMinor: number } | null;
  outcome: { reasonCode: string } | null;
  statusHistory: { status: string; at: string; eventType: string }[];
  shipments: { status: string; timeline: { status: string }[] }[];
  emails: { kind: string }[];
  events: { eventId: string }[];
  position: Record<string, Record<string, number>>;
}

type DaySales = DailySales['days'][number];

/** A day of its own for this run's orders (the topics keep every earlier run's events). */
function uniqueStart(): number {
  const day = Math.floor(Math.random() * 36_000); // about a hundred years of days
  return Date.UTC(1990, 0, 1) + day * 86_400_000 + 8 * 3_600_000;
}

/**
 * The topics as a real system fills them, plus the mess a real one sees: events published
 * twice (a producer retry), a shipment status and an email older than the one before
 * them (stale: discarded), and an order's later events ahead of its first one.
 */
function messyEvents(orders: readonly WorkloadOrder[]): PublishedEvent[] {
  const events: PublishedEvent[] = [];
  orders.forEach((order, i) => {
    const own = [...order.events];
    if (order.outcome === 'DELIVERED' && i % 3 === 0) {
      // DELIVERED before IN_TRANSIT on the shipment topic; the later email before the earlier.
      const statuses = own.filter((e) => e.topic === 'shipping.shipment-status-changed.v1');
      const a = own.indexOf(statuses[1]!);
      const b = own.indexOf(statuses[2]!);
      [own[a], own[b]] = [own[b]!, own[a]!];
      const emails = own.filter((e) => e.topic === 'email.email-sent.v1');
      const c = own.indexOf(emails[0]!);
      const d = own.indexOf(emails[1]!);
      [own[c], own[d]] = [own[d]!, own[c]!];
    }
    if (i % 4 === 1) own.push(own.shift()!); // OrderRequested last
    events.push(...own);
    if (i % 5 === 2) events.push(own[1]!, own[own.length - 1]!); // duplicates
  });
  return events;
}

async function get<T>(base: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

/** JSON with each row's keys sorted (Postgres orders jsonb keys its own way). */
function canonical(rows: readonly object[]): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).sort())));
}

function expectedSales(orders: readonly WorkloadOrder[]): DaySales[] {
  const byKey = new Map<string, DaySales>();
  for (const o of orders) {
    if (o.outcome === 'REJECTED') continue;
    const k = `${o.day}/${o.currency}`;
    const row = byKey.get(k) ?? {
      day: o.day,
      currency: o.currency,
      confirmedOrders: 0,
      confirmedRevenueMinor: 0,
      cancelledOrders: 0,
      cancelledAmountMinor: 0,
    };
    if (o.outcome === 'DELIVERED') {
      row.confirmedOrders += 1;
      row.confirmedRevenueMinor += o.totalMinor;
    } else {
      row.cancelledOrders += 1;
      row.cancelledAmountMinor += o.totalMinor;
    }
    byKey.set(k, row);
  }
  return [...byKey.values()].sort((a, b) => (a.day + a.currency).localeCompare(b.day + b.currency));
}

describe('views: the read side', () => {
  const publisher = new WorkloadPublisher(stack);
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'views-test' });
  const registry = createSchemaRegistry(stack.schemaRegistryUrl);
  let pool: Pool;
  let service: ServiceProcess;
  let base: string;
  let orders: WorkloadOrder[];
  let from: string;
  let to: string;
  const clean = new Map<string, string>();

  const rebuild = (view: ViewDefinition, options: Partial<ReplayOptions> = {}) =>
    replay({ pool, kafka, registry }, { view, progressEveryMs: 50, ...options });

  beforeAll(async () => {
    runPlatformInit(stack);
    pool = new Pool({ connectionString: serviceDatabaseUrl(stack, 'views'), max: 10 });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    service = startService('views', {
      SERVICE_NAME: 'views',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: serviceDatabaseUrl(stack, 'views'),
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    });
    await waitForHttp(service, '/health/ready', 200, 90_000);
    const start = uniqueStart();
    orders = mixedWorkload(200, start);
    from = new Date(start).toISOString().slice(0, 10);
    to = new Date(start + 86_400_000).toISOString().slice(0, 10);
    await publisher.publish(messyEvents(orders));
  });

  afterAll(async () => {
    await service?.stop('SIGTERM');
    await publisher.close();
    await pool?.end();
  });

  it('projects every outcome into the timeline, the customer orders and the daily sales, despite duplicates and reordering', async () => {
    for (const order of orders) {
      const want = { DELIVERED: 'DELIVERED', CANCELLED: 'CANCELLED', REJECTED: 'REJECTED' }[order.outcome];
      await eventually(`order ${order.orderId} ${want} with its emails`, async () => {
        const { status, body } = await get<Timeline>(base, `/orders/${order.orderId}/timeline`);
        const emails = order.outcome === 'DELIVERED' ? 2 : 1;
        return status === 200 && body.status === want && body.emails.length === emails && body.customerId
          ? body
          : undefined;
      });
    }

    const delivered = orders.find((o, i) => o.outcome === 'DELIVERED' && i % 3 === 0 && i % 4 === 1)!;
    const { body: timeline } = await get<Timeline>(base, `/orders/${delivered.orderId}/timeline`);
    expect(timeline.statusHistory.map((s) => s.status)).toEqual([
      'PENDING',
      'VALIDATED',
      'CONFIRMED',
      'DISPATCHED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
    const times = timeline.statusHistory.map((s) => Date.parse(s.at));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const requested = delivered.events.find((e) => e.topic === 'basket.order-requested.v1')!.event;
    expect(timeline.statusHistory[0]).toEqual({
      status: 'PENDING',
      at: new Date(requested.occurredAt).toISOString(),
      eventType: 'OrderRequested',
    });
    expect(timeline).toMatchObject({
      customerId: delivered.customerId,
      totalMinor: delivered.totalMinor,
      currency: delivered.currency,
      payment: { status: 'PROCESSED', amountMinor: delivered.totalMinor },
      outcome: null,
    });
    expect(timeline.shipments).toHaveLength(1);
    expect(timeline.shipments[0]?.timeline.map((t) => t.status)).toEqual([
      'DISPATCHED',
      'IN_TRANSIT',
      'DELIVERED',
    ]);
    expect(timeline.emails.map((e) => e.kind)).toEqual(['ORDER_CONFIRMED', 'ORDER_DELIVERED']);
    // The stale IN_TRANSIT and the stale first email were dropped, the duplicates too.
    expect(timeline.events.length).toBe(delivered.events.length - 2);
    expect(new Set(timeline.events.map((e) => e.eventId)).size).toBe(timeline.events.length);
    expect(Object.keys(timeline.position)).toContain('basket.order-requested.v1');

    const cancelled = orders.find((o) => o.outcome === 'CANCELLED')!;
    const { body: c } = await get<Timeline>(base, `/orders/${cancelled.orderId}/timeline`);
    expect(c).toMatchObject({
      status: 'CANCELLED',
      payment: { status: 'FAILED' },
      outcome: { reasonCode: 'PAYMENT_FAILED' },
    });
    const rejected = orders.find((o) => o.outcome === 'REJECTED')!;
    const { body: r } = await get<Timeline>(base, `/orders/${rejected.orderId}/timeline`);
    expect(r).toMatchObject({ status: 'REJECTED', payment: null, outcome: { reasonCode: 'OUT_OF_STOCK' } });
    expect(r.statusHistory.map((s) => s.status)).toEqual(['PENDING', 'REJECTED']);

    // A customer's orders, newest first, a page at a time.
    const customer = orders[0]!.customerId;
    const mine = orders
      .filter((o) => o.customerId === customer)
      .map((o) => o.orderId)
      .reverse();
    const page1 = await get<{ total: number; orders: { orderId: string; status: string }[] }>(
      base,
      `/customers/${customer}/orders?pageSize=10`,
    );
    const page2 = await get<{ total: number; orders: { orderId: string }[] }>(
      base,
      `/customers/${customer}/orders?page=2&pageSize=10`,
    );
    expect(page1.body.total).toBe(mine.length);
    expect([...page1.body.orders, ...page2.body.orders].map((o) => o.orderId)).toEqual(mine.slice(0, 20));

    const sales = await get<{ days: DaySales[] }>(base, `/stats/daily-sales?from=${from}&to=${to}`);
    expect(sales.status).toBe(200);
    expect(sales.body.days).toEqual(expectedSales(orders));
  });

  it('answers bad requests with 400 and a reason, and an order it has not projected as being prepared, with the position', async () => {
    const bad = [
      '/orders/not-a-uuid/timeline',
      `/customers/c/orders?page=0`,
      `/customers/c/orders?pageSize=101`,
      `/customers/c/orders?page=x`,
      '/stats/daily-sales?from=2026-02-30&to=2026-03-01',
      '/stats/daily-sales?from=2026-03-02&to=2026-03-01',
      '/stats/daily-sales?to=2026-03-01',
      '/stats/daily-sales?from=2020-01-01&to=2026-03-01',
      '/stats/daily-sales?from=1%20March&to=2026-03-01',
    ];
    for (const path of bad) {
      const { status, body } = await get<{ message: string }>(base, path);
      expect({ path, status }).toEqual({ path, status: 400 });
      expect(body.message.length).toBeGreaterThan(10);
    }
    // The emails link to this page without waiting for the view: an order it has not
    // projected yet is "being prepared", never an error.
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await get<{ orderId: string; preparing: boolean; status: string; position: object }>(
      base,
      `/orders/${unknown}/timeline`,
    );
    expect(missing.status).toBe(200);
    expect(missing.body).toMatchObject({ orderId: unknown, preparing: true, status: 'PREPARING' });
    expect(Object.keys(missing.body.position).length).toBeGreaterThan(0);
  });

  it('a rebuild equals the live view row for row, and rebuilding twice gives the same', async () => {
    for (const view of VIEWS) {
      const live = await viewChecksum(pool, view);
      const first = await rebuild(view);
      expect(first.outcome).toBe('swapped');
      const rebuilt = await viewChecksum(pool, view);
      expect({ view: view.name, ...rebuilt }).toEqual({ view: view.name, ...live });
      await rebuild(view);
      expect(await viewChecksum(pool, view)).toEqual(live);
      clean.set(view.name, live.md5);
    }
    const { rows } = await pool.query<{ view: string; built_by: string }>(
      'select view, built_by from views.view_state',
    );
    for (const row of rows) expect(row.built_by).toMatch(/^replay /);
  });

  it('queries during a rebuild never fail and never see a half-built view', async () => {
    const delivered = orders.find((o) => o.outcome === 'DELIVERED')!;
    const customer = delivered.customerId;
    const expectedTotal = orders.filter((o) => o.customerId === customer).length;
    const sales = expectedSales(orders);
    let stop = false;
    const answers: { path: string; status: number; ok: boolean }[] = [];
    const poll = async () => {
      while (!stop) {
        const t = await get<Timeline>(base, `/orders/${delivered.orderId}/timeline`);
        answers.push({
          path: 'timeline',
          status: t.status,
          ok: t.body.status === 'DELIVERED' && t.body.emails.length === 2,
        });
        const c = await get<{ total: number }>(base, `/customers/${customer}/orders`);
        answers.push({ path: 'customer', status: c.status, ok: c.body.total === expectedTotal });
        const s = await get<{ days: DaySales[] }>(base, `/stats/daily-sales?from=${from}&to=${to}`);
        answers.push({
          path: 'sales',
          status: s.status,
          ok: canonical(s.body.days) === canonical(sales),
        });
      }
    };
    const pollers = [poll(), poll()];
    try {
      for (const view of VIEWS) expect((await rebuild(view, { batchSize: 20 })).outcome).toBe('swapped');
    } finally {
      stop = true;
      await Promise.all(pollers);
    }
    expect(answers.length).toBeGreaterThan(30);
    expect(answers.filter((a) => a.status !== 200 || !a.ok)).toEqual([]);
  });

  it('a rebuild interrupted half-way and resumed ends equal to a clean rebuild', async () => {
    const abort = new AbortController();
    let half: ReplayProgress | undefined;
    const interrupted = await rebuild(orderTimelineView, {
      batchSize: 1,
      partitionsConcurrently: 1,
      signal: abort.signal,
      progressEveryMs: 20,
      onProgress: (p) => {
        if (!half && p.recordsDone >= p.recordsTotal / 2) {
          half = p;
          abort.abort();
        }
      },
    });
    expect(interrupted.outcome).toBe('interrupted');
    const { rows } = await pool.query<{ status: string }>(
      `select status from views.view_rebuilds where view = 'order-timeline'`,
    );
    expect(rows[0]?.status).toBe('interrupted');

    const plan = await rebuild(orderTimelineView, { dryRun: true });
    expect(plan.outcome).toBe('dry-run');
    expect(plan.plan.mode).toBe('resume');
    expect(plan.plan.recordsDone).toBeGreaterThan(0);
    expect(plan.plan.recordsDone).toBeLessThan(plan.plan.recordsTotal);

    const resumed = await rebuild(orderTimelineView);
    if (resumed.outcome !== 'swapped') throw new Error(`resumed replay ended ${resumed.outcome}`);
    expect(resumed.plan.mode).toBe('resume');
    expect(resumed.events).toBeLessThan(plan.plan.recordsTotal);
    expect((await viewChecksum(pool, orderTimelineView)).md5).toBe(clean.get('order-timeline'));
  });

  it('refuses a second replay of a view while one runs; --dry-run changes nothing', async () => {
    const abort = new AbortController();
    let reading!: () => void;
    const started = new Promise<void>((resolve) => (reading = resolve));
    // One record per transaction, one partition at a time: slow enough to be caught running.
    const first = rebuild(orderTimelineView, {
      batchSize: 1,
      partitionsConcurrently: 1,
      signal: abort.signal,
      onProgress: () => reading(),
    });
    await started;
    await expect(rebuild(orderTimelineView)).rejects.toBeInstanceOf(ReplayBusyError);
    const cli = await runCli(['order-timeline']);
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('already running');
    abort.abort();
    expect((await first).outcome).toBe('interrupted');

    const before = await viewChecksum(pool, orderTimelineView);
    const dry = await runCli(['order-timeline', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would resume the interrupted rebuild');
    expect(await viewChecksum(pool, orderTimelineView)).toEqual(before);

    const done = await runCli(['order-timeline']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('order-timeline rebuilt and swapped in');
    expect(done.stderr).toMatch(/\[#+\] 100% [\d,]+\/[\d,]+ records/);
    expect((await viewChecksum(pool, orderTimelineView)).md5).toBe(clean.get('order-timeline'));

    const unknown = await runCli(['no-such-view']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the views are order-timeline, customer-orders, daily-sales');
  });

  it('a replay killed with SIGKILL half-way resumes where it was and ends equal to a clean rebuild', async () => {
    const killed = startCli(['order-timeline', '--restart', '--batch-size', '1']);
    // Killed once a good part of the records are in the new tables (their positions say which).
    const progress = async (schema: string) => {
      const { rows } = await pool.query<{ done: string | null }>(
        `select sum("offset") as done from ${schema}.order_timeline_positions`,
      );
      return Number(rows[0]?.done ?? 0);
    };
    const target = (await progress('views')) / 3;
    await eventually(
      'the replay a third of the way',
      () =>
        progress('views_rebuild').then(
          (done) => (done > target ? true : undefined),
          () => undefined,
        ),
      120_000,
    );
    killed.child.kill('SIGKILL');
    const end = await killed.done;
    expect(end.signal).toBe('SIGKILL');
    const { rows } = await pool.query<{ status: string }>(
      `select status from views.view_rebuilds where view = 'order-timeline'`,
    );
    expect(rows[0]?.status).toBe('running'); // as it was when it died

    const resumed = await runCli(['order-timeline', '--json']);
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout) as {
      outcome: string;
      plan: { mode: string; recordsDone: number };
    };
    expect(result.outcome).toBe('swapped');
    expect(result.plan.mode).toBe('resume');
    expect(result.plan.recordsDone).toBeGreaterThan(0);
    expect((await viewChecksum(pool, orderTimelineView)).md5).toBe(clean.get('order-timeline'));
  });

  it('a view whose code changed is not served or projected until a replay rebuilds it', async () => {
    // As if version 0 of the view had kept its totals in a table version 1 no longer has.
    await pool.query('create table views.daily_sales_totals_v0 (day date primary key)');
    await pool.query(
      `update views.view_state set version = 0, tables = tables || '{daily_sales_totals_v0}' where view = 'daily-sales'`,
    );
    const stale = await get<{ message: string }>(base, `/stats/daily-sales?from=${from}&to=${to}`);
    expect(stale.status).toBe(503);
    expect(stale.body.message).toContain('pnpm replay daily-sales');
    const views = await get<{ view: string; status: string }[]>(base, '/views');
    expect(views.body.find((v) => v.view === 'daily-sales')?.status).toBe('needs-rebuild');

    expect((await rebuild(dailySalesView)).outcome).toBe('swapped');
    const fresh = await get<{ days: DaySales[] }>(base, `/stats/daily-sales?from=${from}&to=${to}`);
    expect(fresh.status).toBe(200);
    expect(fresh.body.days).toEqual(expectedSales(orders));
    expect((await viewChecksum(pool, dailySalesView)).md5).toBe(clean.get('daily-sales'));
    const old = await pool.query<{ t: string | null }>(
      `select to_regclass('views.daily_sales_totals_v0') as t`,
    );
    expect(old.rows[0]?.t).toBeNull();
  });
});

interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startCli(args: string[]): CliRun {
  const child = spawn(process.execPath, [join(repoRoot(), 'services/views/dist/cli/replay.js'), ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: serviceDatabaseUrl(stack, 'views'),
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Awaited<CliRun['done']>>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return startCli(args).done;
}
