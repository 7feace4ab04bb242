#!/usr/bin/env node
// The load generator: places orders through the basket API against a running system
// (./dev up), follows each to a final state, and prints throughput, latencies, outcomes and
// any duplicate charge or email it finds.
//   pnpm load --orders 1000 --concurrency 20
import { parseArgs } from 'node:util';
import { PlatformClient, TERMINAL_STATUSES, type OrderView } from './client';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '10' },
    basket: { type: 'string', default: process.env.BASKET_URL ?? 'http://127.0.0.1:3000' },
    order: { type: 'string', default: process.env.ORDER_URL ?? 'http://127.0.0.1:3001' },
    views: { type: 'string', default: process.env.VIEWS_URL ?? 'http://127.0.0.1:3005' },
    provider: { type: 'string', default: process.env.PAYMENT_PROVIDER_URL ?? 'http://127.0.0.1:3099' },
    mailbox: { type: 'string', default: process.env.MAILBOX_URL ?? 'http://127.0.0.1:1080' },
    timeout: { type: 'string', default: '120000' },
  },
});

const total = Number(values.orders);
const concurrency = Number(values.concurrency);
const timeoutMs = Number(values.timeout);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  process.stderr.write('usage: load --orders N --concurrency C (whole numbers ≥ 1)\n');
  process.exit(2);
}

const client = new PlatformClient({
  basket: values.basket,
  order: values.order,
  views: values.views,
  provider: values.provider,
  mailbox: values.mailbox,
});

// A realistic mix: most cards work, some are declined, some providers are slow or flaky.
const TOKENS = [...Array<string>(7).fill('tok_ok'), 'tok_declined', 'tok_flaky', 'tok_slow'];
const SKUS = ['SKU-TEA-001', 'SKU-MUG-002', 'SKU-POT-003', 'SKU-CUP-004', 'SKU-BEAN-005', 'SKU-FLTR-009'];

interface Outcome {
  orderId: string;
  status: string;
  toConfirmedMs?: number;
  toDeliveredMs?: number;
}

const outcomes: Outcome[] = [];
const failures: string[] = [];
let started = 0;

function progress(startedAt: number): void {
  const done = outcomes.length + failures.length;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const elapsed = (Date.now() - startedAt) / 1000;
  const rate = done / Math.max(elapsed, 0.001);
  const eta = rate > 0 ? (total - done) / rate : 0;
  process.stderr.write(
    `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}  ${rate.toFixed(1)} orders/s  ${elapsed.toFixed(0)} s elapsed, ~${eta.toFixed(0)} s left   `,
  );
}

function transitionAt(order: OrderView, status: string): number | undefined {
  const step = order.history.find((h) => h.to === status);
  return step ? Date.parse(step.at) : undefined;
}

async function one(n: number): Promise<void> {
  const items = [{ sku: SKUS[n % SKUS.length]!, quantity: 1 + (n % 3) }];
  const paymentToken = TOKENS[n % TOKENS.length]!;
  const checkoutAt = Date.now();
  const orderId = await client.placeOrder({ customerId: `load-${n}`, items, paymentToken });
  const order = await client.waitForStatus(orderId, TERMINAL_STATUSES, timeoutMs);
  const confirmed = transitionAt(order, 'CONFIRMED');
  const delivered = transitionAt(order, 'DELIVERED');
  outcomes.push({
    orderId,
    status: order.status,
    ...(confirmed ? { toConfirmedMs: confirmed - checkoutAt } : {}),
    ...(delivered ? { toDeliveredMs: delivered - checkoutAt } : {}),
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function latencyLine(label: string, values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const f = (p: number) => `${(percentile(sorted, p) / 1000).toFixed(2)} s`;
  return `${label.padEnd(26)} p50 ${f(50)}  p95 ${f(95)}  p99 ${f(99)}  (n=${sorted.length})`;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const timer = setInterval(() => progress(startedAt), 500);
  const worker = async () => {
    while (started < total) {
      const n = started++;
      try {
        await one(n);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(timer);
  progress(startedAt);
  const seconds = (Date.now() - startedAt) / 1000;

  const mine = new Set(outcomes.map((o) => o.orderId));
  const duplicateCharges: string[] = [];
  for (const { orderId } of outcomes) {
    if ((await client.charges(orderId)).charges.length > 1) duplicateCharges.push(orderId);
  }
  const emailCounts = new Map<string, number>();
  for (const email of await client.allEmails()) {
    const orderId = [...mine].find((id) => email.subject.includes(id));
    if (!orderId) continue;
    const key = `${orderId} ${email.subject.replace(orderId, '')}`;
    emailCounts.set(key, (emailCounts.get(key) ?? 0) + 1);
  }
  const duplicateEmails = [...emailCounts].filter(([, count]) => count > 1).map(([key]) => key);

  const byStatus = new Map<string, number>();
  for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
  const lines = [
    '',
    `orders: ${total} placed with concurrency ${concurrency}; ${outcomes.length} finished, ${failures.length} failed, in ${seconds.toFixed(1)} s`,
    `throughput: ${(outcomes.length / seconds).toFixed(2)} orders/s (checkout to final state)`,
    latencyLine(
      'checkout → CONFIRMED',
      outcomes.flatMap((o) => (o.toConfirmedMs === undefined ? [] : [o.toConfirmedMs])),
    ),
    latencyLine(
      'checkout → DELIVERED',
      outcomes.flatMap((o) => (o.toDeliveredMs === undefined ? [] : [o.toDeliveredMs])),
    ),
    `final states: ${[...byStatus].map(([s, n]) => `${s} ${n}`).join(', ')}`,
    `duplicate charges: ${duplicateCharges.length}${duplicateCharges.length ? ` (${duplicateCharges.join(', ')})` : ''}`,
    `duplicate emails: ${duplicateEmails.length}${duplicateEmails.length ? ` (${duplicateEmails.join('; ')})` : ''}`,
    ...(failures.length ? ['failures:', ...failures.slice(0, 10).map((f) => `  ${f}`)] : []),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(failures.length > 0 || duplicateCharges.length > 0 || duplicateEmails.length > 0 ? 1 : 0);
}

void main();
