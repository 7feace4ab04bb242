import type { DeadLetter } from './dead-letters';
import type { EmailFact, EmailKind, OrderFact, StockFact, ViewFact } from './facts';
import { OUTCOME_OF_TOKEN, type PlacedOrder } from './flow';

export interface CheckResult {
  ok: boolean;
  /** What was wrong, for the first few orders it was wrong for; empty when ok. */
  detail: string;
}

/** Everything the checks of one fault look at, read once the system has settled. */
export interface Observed {
  orders: Map<string, OrderFact>;
  charges: Map<string, number>;
  emails: Map<string, EmailFact[]>;
  views: Map<string, ViewFact | undefined>;
  stockBefore: StockFact[];
  stockAfter: StockFact[];
  /** Every message dead-lettered while the fault ran and the system settled. */
  deadLetters: DeadLetter[];
  /**
   * The orders the suite has placed so far, this fault's and earlier ones' (an order of an
   * earlier fault may reach a dead-letter topic only now). Without it, this fault's orders.
   */
  suiteOrders?: ReadonlySet<string>;
  /**
   * While something the emails need was down (ms since the epoch): the SMTP sink, or what
   * the email service needs to send exactly once (its database, Kafka, the registry) or what
   * brings it the events (Connect). Emails owed then are due 60 s after it is back.
   */
  emailPathDown?: { from: number; to: number };
}

export const EMAIL_DEADLINE_MS = 60_000;

const EMAILS_OF: Record<string, EmailKind[]> = {
  DELIVERED: ['confirmed', 'delivered'],
  CANCELLED: ['cancelled'],
  REJECTED: ['rejected'],
};

/** The status whose event triggers an email of each kind. */
const TRIGGER_OF: Record<EmailKind, string> = {
  confirmed: 'CONFIRMED',
  cancelled: 'CANCELLED',
  rejected: 'REJECTED',
  delivered: 'DELIVERED',
};

/** The read side names email kinds as the events do (ORDER_CONFIRMED); the sink's subjects say `confirmed`. */
function viewKind(kind: string): string {
  return kind.replace(/^ORDER_/, '').toLowerCase();
}

function result(problems: string[]): CheckResult {
  const shown = problems.slice(0, 3).join('; ');
  return {
    ok: problems.length === 0,
    detail: problems.length > 3 ? `${shown}; … ${problems.length - 3} more` : shown,
  };
}

/** Every accepted order reached the final state its payment token implies. */
export function checkFinalStates(placed: PlacedOrder[], seen: Observed): CheckResult {
  const problems: string[] = [];
  for (const order of placed) {
    const status = seen.orders.get(order.orderId)?.status ?? 'unknown to the order service';
    const expected = OUTCOME_OF_TOKEN[order.token];
    if (status !== expected) problems.push(`${order.orderId} (${order.token}) is ${status}, not ${expected}`);
  }
  return result(problems);
}

/** Exactly one charge at the provider per paid order, none for the others. */
export function checkCharges(placed: PlacedOrder[], seen: Observed): CheckResult {
  const problems: string[] = [];
  for (const order of placed) {
    const paid = OUTCOME_OF_TOKEN[order.token] === 'DELIVERED';
    const charges = seen.charges.get(order.orderId) ?? 0;
    if (charges !== (paid ? 1 : 0))
      problems.push(`${order.orderId} (${order.token}) charged ${charges} time(s)`);
  }
  return result(problems);
}

/**
 * Exactly one email per (order, kind) its outcome calls for, each received within 60 s of
 * the event that triggered it, or of the SMTP sink's return when it was down then.
 */
export function checkEmails(placed: PlacedOrder[], seen: Observed): CheckResult {
  const problems: string[] = [];
  for (const order of placed) {
    const expected = EMAILS_OF[OUTCOME_OF_TOKEN[order.token]] ?? [];
    const emails = seen.emails.get(order.orderId) ?? [];
    const fact = seen.orders.get(order.orderId);
    for (const kind of ['confirmed', 'cancelled', 'rejected', 'delivered'] as const) {
      const got = emails.filter((e) => e.kind === kind);
      const wanted = expected.includes(kind) ? 1 : 0;
      if (got.length !== wanted) {
        problems.push(`${order.orderId}: ${got.length} ${kind} email(s), expected ${wanted}`);
        continue;
      }
      const email = got[0];
      const triggeredAt = fact?.enteredAt[TRIGGER_OF[kind]];
      if (!email || triggeredAt === undefined) continue;
      const down = seen.emailPathDown;
      const due = down && triggeredAt <= down.to ? down.to : triggeredAt;
      const late = email.receivedAt - due;
      if (late > EMAIL_DEADLINE_MS)
        problems.push(`${order.orderId}: ${kind} email ${Math.round(late / 1000)} s after its event`);
    }
  }
  return result(problems);
}

/** The read side shows each order as its owners do: status, payment result and emails. */
export function checkViews(placed: PlacedOrder[], seen: Observed): CheckResult {
  const problems: string[] = [];
  for (const order of placed) {
    const view = seen.views.get(order.orderId);
    const status = seen.orders.get(order.orderId)?.status;
    if (!view) {
      problems.push(`${order.orderId}: not in the view`);
      continue;
    }
    if (view.status !== status) problems.push(`${order.orderId}: view says ${view.status}, order ${status}`);
    const payment = OUTCOME_OF_TOKEN[order.token] === 'DELIVERED' ? 'PROCESSED' : 'FAILED';
    if (view.payment !== payment)
      problems.push(`${order.orderId}: view payment ${view.payment}, not ${payment}`);
    const sent = (seen.emails.get(order.orderId) ?? []).map((e) => e.kind).sort();
    const shown = view.emailKinds.map(viewKind).sort();
    if (sent.join() !== shown.join())
      problems.push(`${order.orderId}: view lists emails [${shown.join()}], the sink has [${sent.join()}]`);
  }
  return result(problems);
}

/**
 * Stock is conserved: what is available plus what orders hold is the same before and after
 * (reserving and releasing move units between the two in one transaction), and a cancelled
 * order holds nothing.
 */
export function checkStock(placed: PlacedOrder[], seen: Observed): CheckResult {
  const problems: string[] = [];
  for (const before of seen.stockBefore) {
    const after = seen.stockAfter.find((s) => s.sku === before.sku);
    const total = (s: StockFact) => s.available + s.reserved;
    if (!after) problems.push(`${before.sku} is gone`);
    else if (total(after) !== total(before))
      problems.push(`${before.sku}: available + held was ${total(before)}, is ${total(after)}`);
  }
  for (const order of placed) {
    const fact = seen.orders.get(order.orderId);
    if (fact?.status === 'CANCELLED' && fact.reserved !== 0)
      problems.push(`${order.orderId} is cancelled but holds ${fact.reserved} unit(s)`);
  }
  return result(problems);
}

/** Whether a dead letter is about one of `orders` (its key is the order id). */
export function isAbout(letter: DeadLetter, orders: ReadonlySet<string>): boolean {
  return letter.key !== null && orders.has(letter.key);
}

/**
 * None of the suite's orders has a message in a dead-letter topic: a transient fault is not a
 * poison message. Dead letters about orders the suite never placed (events that earlier test
 * layers made up for orders no service knows) are not the suite's to judge.
 */
export function checkDeadLetters(placed: PlacedOrder[], seen: Observed): CheckResult {
  const ours = seen.suiteOrders ?? new Set(placed.map((o) => o.orderId));
  const byTopic = new Map<string, Map<string, number>>();
  for (const letter of seen.deadLetters) {
    if (!isAbout(letter, ours)) continue;
    const reasons = byTopic.get(letter.topic) ?? new Map<string, number>();
    reasons.set(letter.reason, (reasons.get(letter.reason) ?? 0) + 1);
    byTopic.set(letter.topic, reasons);
  }
  const problems = [...byTopic].map(([topic, reasons]) => {
    const count = [...reasons.values()].reduce((a, b) => a + b, 0);
    const why = [...reasons].map(([reason, n]) => (n > 1 ? `${n}× ${reason}` : reason)).join('; ');
    return `${count} new in ${topic} (${why})`;
  });
  return result(problems);
}

export const CHECKS = {
  final: checkFinalStates,
  charges: checkCharges,
  emails: checkEmails,
  views: checkViews,
  stock: checkStock,
  'dead letters': checkDeadLetters,
} as const;

export type CheckName = keyof typeof CHECKS;

export function runChecks(placed: PlacedOrder[], seen: Observed): Record<CheckName, CheckResult> {
  const entries = Object.entries(CHECKS).map(([name, check]) => [name, check(placed, seen)] as const);
  return Object.fromEntries(entries) as Record<CheckName, CheckResult>;
}
