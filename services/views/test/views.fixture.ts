import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createKafka, createSchemaRegistry } from '@order-platform/messaging';
import {
  eventually,
  repoRoot,
  runPlatformInit,
  serviceDatabaseUrl,
  type ServiceProcess,
  startOnStack,
  useStack,
} from '@order-platform/testing';
import { Pool } from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { DailySales } from '../src/query/daily-sales.controller';
import { replay, type ReplayOptions, type ReplayResult } from '../src/replay/replay';
import type { ViewDefinition } from '../src/views/view';
import { EventBus } from '@order-platform/service-kit/testing';
import { mixedWorkload, type PublishedEvent, type WorkloadOrder } from './workload';

export interface Timeline {
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

export type DaySales = DailySales['days'][number];

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

export async function get<T>(base: string, path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`);
  return { status: response.status, body: (await response.json()) as T };
}

/** JSON with each row's keys sorted (Postgres orders jsonb keys its own way). */
export function canonical(rows: readonly object[]): string {
  return JSON.stringify(rows.map((row) => Object.fromEntries(Object.entries(row).sort())));
}

export function expectedSales(orders: readonly WorkloadOrder[]): DaySales[] {
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

export interface CliRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

export interface ViewsSystem {
  /** Connections as the views role. */
  readonly pool: Pool;
  /** The views service's base URL. */
  readonly base: string;
  /** This file's orders, on a day of their own from `from` to `to`. */
  readonly orders: WorkloadOrder[];
  readonly from: string;
  readonly to: string;
  rebuild(view: ViewDefinition, options?: Partial<ReplayOptions>): Promise<ReplayResult>;
  /** Every order shows its final status and its emails in its timeline. */
  projected(): Promise<void>;
  /** The built replay CLI (`pnpm replay`) with the views role's settings. */
  startCli(args: string[]): CliRun;
  runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
}

/**
 * The built views service as its own process against the shared stack, fed a workload of 200
 * orders of every outcome (published with duplicates and out of order, as a real system's
 * topics are). Registers the suite's beforeAll and afterAll; call it at the top of a describe.
 */
export function useViewsSystem(): ViewsSystem {
  const stack = useStack();
  const publisher = new EventBus(stack);
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'views-test' });
  const registry = createSchemaRegistry(stack.schemaRegistryUrl);
  let pool: Pool;
  let service: ServiceProcess;
  let base: string;
  let orders: WorkloadOrder[];
  let from: string;
  let to: string;

  const rebuild = (view: ViewDefinition, options: Partial<ReplayOptions> = {}) =>
    replay({ pool, kafka, registry }, { view, progressEveryMs: 50, ...options });

  beforeAll(async () => {
    runPlatformInit(stack);
    pool = new Pool({ connectionString: serviceDatabaseUrl(stack, 'views'), max: 10 });
    service = await startOnStack(stack, 'views');
    base = service.url;
    const start = uniqueStart();
    orders = mixedWorkload(200, start);
    from = new Date(start).toISOString().slice(0, 10);
    to = new Date(start + 86_400_000).toISOString().slice(0, 10);
    await publisher.publishAll(messyEvents(orders));
  });

  afterAll(async () => {
    await service?.stop('SIGTERM');
    await publisher.close();
    await pool?.end();
  });

  const projected = async () => {
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
  };

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

  return {
    get pool() {
      return pool;
    },
    get base() {
      return base;
    },
    get orders() {
      return orders;
    },
    get from() {
      return from;
    },
    get to() {
      return to;
    },
    rebuild,
    projected,
    startCli,
    runCli,
  };
}
