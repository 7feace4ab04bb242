import type { Ceilings } from './ceilings';
import type { Hops } from './hops';
import { isNodeService } from './process-cpu';
import { msTriple, type Spread } from './stats';

/** A view rebuilt from offset 0 during a step. */
export interface RebuildReport {
  view: string;
  events: number;
  seconds: number;
  perSecond: number;
}

export interface StepReport {
  offered: number;
  seconds: number;
  /** Checkouts answered with an order id, per second of the step. */
  accepted: number;
  placed: number;
  failures: string[];
  skipped: number;
  /** Orders that finished their whole lifecycle before the drain timeout. */
  finished: number;
  /** The orders' final states (a rejection for want of stock has a shorter lifecycle). */
  statuses: Map<string, number>;
  /** From the last checkout until every order finished, s. */
  drainSeconds: number;
  /** The checkout request alone, client side. */
  checkoutHttp: Spread;
  hops: Hops;
  /** CPU-ms per order above idle, per process. */
  cpuPerOrderMs: Map<string, number>;
  verdict?: { sustained: boolean; reasons: string[] };
  rebuild?: RebuildReport;
}

type Out = (line?: string) => void;

/**
 * Sustained: nearly every offered checkout accepted, every order through its lifecycle,
 * no order slower to finish than the lowest step's typical order plus a slack (a backlog
 * anywhere shows up there), and checkout → CONFIRMED p99 within the limit.
 */
export function stepVerdict(
  s: StepReport,
  limits: { p99LimitMs: number; finishedLimitMs: number },
): { sustained: boolean; reasons: string[] } {
  const reasons: string[] = [];
  if (s.accepted < s.offered * 0.95)
    reasons.push(`accepted ${s.accepted.toFixed(1)}/s of ${s.offered}/s offered`);
  if (s.finished < s.placed)
    reasons.push(`${s.placed - s.finished} of ${s.placed} orders unfinished after the drain timeout`);
  if (s.hops.checkoutToConfirmed.p99 > limits.p99LimitMs)
    reasons.push(
      `checkout → CONFIRMED p99 ${Math.round(s.hops.checkoutToConfirmed.p99)} ms > ${limits.p99LimitMs} ms`,
    );
  if (s.hops.checkoutToFinished.p99 > limits.finishedLimitMs)
    reasons.push(
      `checkout → finished p99 ${(s.hops.checkoutToFinished.p99 / 1000).toFixed(1)} s > ${(limits.finishedLimitMs / 1000).toFixed(1)} s (a backlog)`,
    );
  if (s.hops.missingInKafka > 0) reasons.push(`${s.hops.missingInKafka} outbox rows not found in Kafka`);
  return { sustained: reasons.length === 0, reasons };
}

const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

export function printIdle(out: Out, idle: Map<string, number>, seconds: number): void {
  if (idle.size === 0) return;
  const node = [...idle].filter(([name]) => isNodeService(name)).reduce((s, [, v]) => s + v, 0);
  const all = [...idle].reduce((s, [, v]) => s + v, 0);
  out(`idle, ${seconds} s: Node services ${pct(node)} of a core, whole system ${pct(all)}`);
  out(`  ${[...idle].map(([name, v]) => `${name} ${pct(v)}`).join(', ')}`);
}

export function printCeilings(out: Out, c: Ceilings): void {
  out('ceilings (same machine, same run):');
  if (c.postgres)
    out(
      `  Postgres: ${c.postgres.ordersPerSecond.toFixed(1)} orders/s replaying one order's SQL (${c.postgres.transactionsPerOrder} transactions, ${c.postgres.statementsPerOrder} statements) with ${c.postgres.clients} clients for ${c.postgres.seconds} s; ${c.postgres.failedOrders} failed` +
        `\n    ${c.postgres.command}`,
    );
  else if (c.postgresError) out(`  Postgres: not measured: ${c.postgresError}`);
  if (c.kafka)
    out(
      `  Kafka (raw KafkaJS, ${c.kafka.messages} × ${c.kafka.messageBytes} B on ${c.kafka.partitions} partitions): produce ${Math.round(c.kafka.producePerSecond)} msg/s transactional, consume ${Math.round(c.kafka.consumePerSecond)} msg/s read_committed` +
        (c.kafkaOrdersPerSecond ? ` = ${c.kafkaOrdersPerSecond.toFixed(0)} orders/s` : ''),
    );
  else if (c.kafkaError) out(`  Kafka: not measured: ${c.kafkaError}`);
  if (c.cdc)
    out(
      `  Debezium, bare insert loop at ${c.cdc.offeredPerSecond.toFixed(0)} rows/s (${c.cdc.rows} rows): commit → in Kafka p50 ${Math.round(c.cdc.lagMs.p50)} ms, p95 ${Math.round(c.cdc.lagMs.p95)} ms, p99 ${Math.round(c.cdc.lagMs.p99)} ms, max ${Math.round(c.cdc.lagMs.max)} ms; sustained ${c.cdc.sustainedPerSecond.toFixed(0)} rows/s`,
    );
  else if (c.cdcError) out(`  Debezium: not measured: ${c.cdcError}`);
}

export function printStep(out: Out, s: StepReport, ceilings: Ceilings | undefined): void {
  const h = s.hops;
  out(
    `  offered ${s.offered}/s, accepted ${s.accepted.toFixed(1)}/s (${s.placed} orders, ${s.failures.length} failed, ${s.skipped} not sent), finished ${s.finished} (${[...s.statuses].map(([status, n]) => `${status} ${n}`).join(', ')}), drained ${s.drainSeconds.toFixed(1)} s after the last checkout`,
  );
  out('  latency, ms (p50 / p95 / p99):');
  out(`    checkout → CONFIRMED          ${msTriple(h.checkoutToConfirmed)}`);
  out(`    checkout → finished (all)     ${msTriple(h.checkoutToFinished)}`);
  out(`    checkout request (HTTP)       ${msTriple(s.checkoutHttp)}`);
  out(`    outbox commit → in Kafka      ${msTriple(h.cdc)}   (CDC, ${h.cdc.n} records)`);
  out(`    in Kafka → consumer commit    ${msTriple(h.consume)}   (${h.consume.n} deliveries)`);
  for (const { group, spread } of h.consumeByGroup.slice(0, 3))
    out(`      ${group.padEnd(44)} ${msTriple(spread)}`);
  out(
    `    payment intent → charged      ${msTriple(h.intentToCharged)}   (the charger's pickup and the provider call)`,
  );
  out(`    charged → payment result      ${msTriple(h.chargedToResult)}`);
  out(
    `  per order: ${h.eventsPerOrder.toFixed(1)} events (${Math.round(h.eventBytes)} B), ${h.deliveriesPerOrder.toFixed(1)} deliveries to consumer groups`,
  );
  if (s.cpuPerOrderMs.size > 0) {
    const total = [...s.cpuPerOrderMs.values()].reduce((a, b) => a + b, 0);
    out(
      `  CPU per order above idle: ${total.toFixed(0)} ms — ${[...s.cpuPerOrderMs]
        .sort((a, b) => b[1] - a[1])
        .map(([name, v]) => `${name} ${v.toFixed(1)}`)
        .join(', ')}`,
    );
  }
  if (ceilings?.postgres)
    out(`  = ${pct(s.accepted / ceilings.postgres.ordersPerSecond)} of the Postgres order ceiling`);
  if (s.rebuild)
    out(
      `  rebuild of ${s.rebuild.view}: ${s.rebuild.events} events in ${s.rebuild.seconds.toFixed(1)} s = ${Math.round(s.rebuild.perSecond)} events/s, while the live system ran`,
    );
  if (s.failures.length > 0) out(`  first failures: ${[...new Set(s.failures)].slice(0, 3).join(' | ')}`);
  if (s.verdict)
    out(`  ${s.verdict.sustained ? 'sustained' : `not sustained: ${s.verdict.reasons.join('; ')}`}`);
}
