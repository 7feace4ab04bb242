import type { OrderRecords } from './lifecycle';
import { spread, type Spread } from './stats';

export interface Hops {
  /** Basket's checkout commit → order's OrderConfirmed commit. */
  checkoutToConfirmed: Spread;
  /** Basket's checkout commit → the last commit any service made for the order (its whole lifecycle). */
  checkoutToFinished: Spread;
  /** An outbox row's commit → the broker appended it (CDC: Debezium and Connect). */
  cdc: Spread;
  /** The broker appended a record → a consumer group's transaction with it committed. */
  consume: Spread;
  /** The same, per consumer group, slowest p99 first. */
  consumeByGroup: { group: string; spread: Spread }[];
  /** The payment intent's commit → the provider answered the charge (the charger's pickup and the call). */
  intentToCharged: Spread;
  /** The provider answered → the payment's result committed. */
  chargedToResult: Spread;
  /** Records in the catalogue topics per order, and consumer-group deliveries per order. */
  eventsPerOrder: number;
  deliveriesPerOrder: number;
  /** Mean outbox payload, bytes. */
  eventBytes: number;
  /** Outbox rows whose record was not found in Kafka (should be 0). */
  missingInKafka: number;
}

/**
 * Latencies from the services' own timestamps: commit times of the rows each transaction
 * wrote, and the broker's append time of each record (`appendedMs`, by event id).
 */
export function hopsOf(records: OrderRecords, appendedMs: ReadonlyMap<string, number>): Hops {
  const { outbox, inbox, charged } = records;
  const orders = new Set(outbox.map((r) => r.orderId));
  const checkout = new Map<string, number>();
  const confirmed = new Map<string, number>();
  const last = new Map<string, number>();
  for (const r of outbox) {
    if (r.type === 'OrderRequested') checkout.set(r.orderId, r.committedMs);
    if (r.type === 'OrderConfirmed') confirmed.set(r.orderId, r.committedMs);
    last.set(r.orderId, Math.max(last.get(r.orderId) ?? 0, r.committedMs));
  }
  for (const r of inbox) last.set(r.orderId, Math.max(last.get(r.orderId) ?? 0, r.committedMs));
  const since = (to: Map<string, number>) =>
    [...to].flatMap(([id, at]) => (checkout.has(id) ? [at - checkout.get(id)!] : []));

  const cdc: number[] = [];
  let missing = 0;
  for (const r of outbox) {
    const appended = appendedMs.get(r.eventId);
    if (appended === undefined) missing += 1;
    else cdc.push(appended - r.committedMs);
  }
  const consume: number[] = [];
  const byGroup = new Map<string, number[]>();
  for (const r of inbox) {
    const appended = appendedMs.get(r.eventId);
    if (appended === undefined) continue;
    consume.push(r.committedMs - appended);
    byGroup.set(r.group, [...(byGroup.get(r.group) ?? []), r.committedMs - appended]);
  }
  const intent = new Map(
    inbox
      .filter((r) => r.service === 'payment' && r.topic.startsWith('order.order-validated'))
      .map((r) => [r.orderId, r.committedMs]),
  );
  const result = new Map(
    outbox.filter((r) => r.service === 'payment').map((r) => [r.orderId, r.committedMs]),
  );
  const pickup: number[] = [];
  const call: number[] = [];
  for (const [orderId, at] of charged) {
    const from = intent.get(orderId);
    if (from !== undefined) pickup.push(at - from);
    const to = result.get(orderId);
    if (to !== undefined) call.push(to - at);
  }
  const n = Math.max(1, orders.size);
  return {
    checkoutToConfirmed: spread(since(confirmed)),
    checkoutToFinished: spread(since(last)),
    cdc: spread(cdc),
    consume: spread(consume),
    consumeByGroup: [...byGroup]
      .map(([group, values]) => ({ group, spread: spread(values) }))
      .sort((a, b) => b.spread.p99 - a.spread.p99),
    intentToCharged: spread(pickup),
    chargedToResult: spread(call),
    eventsPerOrder: outbox.length / n,
    deliveriesPerOrder: inbox.length / n,
    eventBytes: outbox.length === 0 ? 0 : outbox.reduce((s, r) => s + r.bytes, 0) / outbox.length,
    missingInKafka: missing,
  };
}
