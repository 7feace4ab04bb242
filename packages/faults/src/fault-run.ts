import type { DevStack } from '@order-platform/devstack';
import type { PlatformClient } from '@order-platform/e2e';
import type { Fault } from './catalogue';
import { isAbout, type Observed, runChecks } from './checks';
import { deadLetterMarks, deadLettersBetween } from './dead-letters';
import type { SystemFacts } from './facts';
import { FLOW_SKUS, OrderFlow, type PlacedOrder } from './flow';
import type { FaultRow } from './table';

export interface FaultRunSettings {
  stack: DevStack;
  client: PlatformClient;
  facts: SystemFacts;
  brokers: string[];
  ratePerSecond: number;
  /** Flow before the fault, so that it strikes work under way. */
  warmMs: number;
  /** Flow after the fault's end, so that the system is seen taking new orders again. */
  afterMs: number;
  /** How long every accepted order may take to settle after the flow stops. */
  settleTimeoutMs: number;
  /** Every order the suite has placed so far: each fault adds its own. */
  suiteOrders: Set<string>;
  log: (line: string) => void;
}

const TERMINAL = new Set(['DELIVERED', 'CANCELLED', 'REJECTED']);
const EMAIL_COUNT: Record<string, number> = { DELIVERED: 2, CANCELLED: 1, REJECTED: 1 };
const SETTLE_MS_PER_ORDER = 700;
/**
 * What an email needs on its way: Connect (the event out of the outbox), Kafka, the
 * registry, the email service and its database (to send exactly once), and the SMTP sink.
 * While one of them is down an email cannot go out, however the system heals.
 */
const EMAIL_PATH = new Set(['connect', 'kafka', 'registry', 'postgres', 'email', 'smtp']);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one fault under a flow of orders; the row says what became of those orders. */
export async function runFault(settings: FaultRunSettings, fault: Fault): Promise<FaultRow> {
  const { facts, log } = settings;
  const stockBefore = await facts.stock(FLOW_SKUS);
  const marksBefore = await deadLetterMarks(settings.brokers);
  const flow = new OrderFlow(settings.client, { ratePerSecond: settings.ratePerSecond });
  flow.start();
  let window: { faultStart: number; faultEnd: number } | Error;
  try {
    window = await inject(settings, fault);
  } catch (error) {
    window = error instanceof Error ? error : new Error(String(error));
  }
  const flowResult = await flow.stop();
  if (window instanceof Error) throw window;
  const { faultStart, faultEnd } = window;
  const { accepted, refused, reasons } = flowResult;
  log(
    `${fault.name}: ${accepted.length} orders accepted, ${refused} refused${reasons[0] ? ` (${reasons[0]})` : ''}`,
  );
  for (const order of accepted) settings.suiteOrders.add(order.orderId);
  const settledAt = await settle(settings, accepted);
  const orderIds = accepted.map((o) => o.orderId);
  const deadLetters = await deadLettersBetween(
    settings.brokers,
    marksBefore,
    await deadLetterMarks(settings.brokers),
  );
  const foreign = deadLetters.filter((d) => !isAbout(d, settings.suiteOrders));
  if (foreign.length > 0)
    log(
      `${fault.name}: ${foreign.length} dead letter(s) about orders the suite did not place, e.g. ${foreign[0]!.topic}: ${foreign[0]!.reason}`,
    );
  const seen: Observed = {
    orders: await facts.orders(orderIds),
    charges: await facts.charges(orderIds),
    emails: await facts.emails(),
    views: await facts.views(orderIds),
    stockBefore,
    stockAfter: await facts.stock(FLOW_SKUS),
    deadLetters,
    suiteOrders: settings.suiteOrders,
    ...(EMAIL_PATH.has(fault.target) ? { emailPathDown: { from: faultStart, to: faultEnd } } : {}),
  };
  return {
    fault: fault.name,
    accepted: accepted.length,
    refused,
    recoverSeconds: settledAt === undefined ? null : Math.max(0, settledAt - faultEnd) / 1000,
    checks: runChecks(accepted, seen),
  };
}

/**
 * Waits until every accepted order is final at its owner, has its emails, and shows its
 * final status and those emails in the read side; when that is, or undefined at the deadline.
 */
async function settle(settings: FaultRunSettings, accepted: PlacedOrder[]): Promise<number | undefined> {
  const orderIds = accepted.map((o) => o.orderId);
  // A long outage leaves a backlog that drains at the system's own pace (about two orders a
  // second through their whole life on 2 cores, issue 12): the wait grows with it, and the
  // table's "recovered in" still says how long it took.
  const timeoutMs = Math.max(settings.settleTimeoutMs, orderIds.length * SETTLE_MS_PER_ORDER);
  const deadline = Date.now() + timeoutMs;
  let waiting = `${orderIds.length} orders`;
  while (Date.now() < deadline) {
    try {
      const [orders, emails, views] = await Promise.all([
        settings.facts.orders(orderIds),
        settings.facts.emails(),
        settings.facts.viewProgress(orderIds),
      ]);
      const open = orderIds.filter((id) => {
        const status = orders.get(id)?.status;
        if (!status || !TERMINAL.has(status)) return true;
        const sent = emails.get(id)?.length ?? 0;
        if (sent < (EMAIL_COUNT[status] ?? 0)) return true;
        // The emails' own events reach the read side after the sink has them.
        const view = views.get(id);
        return view?.status !== status || view.emails < sent;
      });
      if (open.length === 0) return Date.now();
      waiting = `${open.length} of ${orderIds.length} orders, e.g. ${open[0]}`;
    } catch (error) {
      waiting = `the system does not answer: ${error instanceof Error ? error.message : String(error)}`;
    }
    await sleep(1000);
  }
  settings.log(`not settled within ${timeoutMs / 1000} s: ${waiting}`);
  return undefined;
}

/** Strikes after the warm-up; returns when the fault ended, once the flow has run on after it. */
async function inject(
  settings: FaultRunSettings,
  fault: Fault,
): Promise<{ faultStart: number; faultEnd: number }> {
  const { stack, log } = settings;
  await sleep(settings.warmMs);
  const faultStart = Date.now();
  log(`${fault.name}: injecting`);
  if (fault.kind === 'kill') {
    const before = await pidOf(stack, fault.target);
    await stack.kill(fault.target, 'SIGKILL');
    await waitRestarted(stack, fault.target, before);
  } else {
    await stack.hold(fault.target);
    await sleep(fault.downMs);
    await stack.release(fault.target);
  }
  const faultEnd = Date.now();
  log(`${fault.name}: ${fault.target} back after ${((faultEnd - faultStart) / 1000).toFixed(1)} s`);
  await sleep(settings.afterMs);
  return { faultStart, faultEnd };
}

async function pidOf(stack: DevStack, name: string): Promise<number | undefined> {
  return (await stack.status()).find((s) => s.name === name)?.pid;
}

/** The supervisor has started a new process in place of `oldPid` and it is ready. */
async function waitRestarted(stack: DevStack, name: string, oldPid: number | undefined): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const state = (await stack.status()).find((s) => s.name === name);
    if (state && state.pid !== undefined && state.pid !== oldPid && state.ready) return;
    await sleep(250);
  }
  throw new Error(`${name} was not restarted by the supervisor within 300 s`);
}
