import type { PlatformClient } from '@order-platform/e2e';

export interface Placed {
  orderId: string;
  /** Client clock, ms: when the first request of the order (create basket) left. */
  sentAt: number;
  /** How long the checkout request itself took, ms (client side). */
  checkoutMs: number;
}

export interface OpenLoopResult {
  offered: number;
  /** How long checkouts were sent for. */
  seconds: number;
  placed: Placed[];
  failures: string[];
  /** Orders not sent because this many were already waiting for an answer (client saturated). */
  skipped: number;
}

/** What the benchmark's customers buy: one of these, one or two of it. */
export const SKUS = [
  'SKU-TEA-001',
  'SKU-MUG-002',
  'SKU-POT-003',
  'SKU-CUP-004',
  'SKU-BEAN-005',
  'SKU-FLTR-009',
];

/**
 * Open loop: order n starts at start + n/rate whatever became of the earlier ones, so a slow
 * system shows up as latency and failures rather than as a politely lower offered rate
 * (which a closed loop, waiting for each answer, would produce). A customer's order is three
 * requests: create a basket, put an item in, check out.
 */
export async function runOpenLoop(options: {
  client: PlatformClient;
  ratePerSecond: number;
  seconds: number;
  token: string;
  tag: string;
  maxInFlight?: number;
  /** Ends the load early (at most `seconds` still): for a load that lasts as long as something else. */
  stopWhen?: () => boolean;
}): Promise<OpenLoopResult> {
  const { client, ratePerSecond, seconds, token, tag, stopWhen } = options;
  const total = Math.round(ratePerSecond * seconds);
  const maxInFlight = options.maxInFlight ?? Math.max(50, ratePerSecond * 10);
  const placed: Placed[] = [];
  const failures: string[] = [];
  const running = new Set<Promise<void>>();
  let skipped = 0;

  const one = async (n: number): Promise<void> => {
    const sentAt = Date.now();
    try {
      const customerId = `${tag}-${n}`;
      const basketId = await client.createBasket(customerId);
      await client.setItem(basketId, SKUS[n % SKUS.length]!, 1 + (n % 2));
      const checkoutAt = performance.now();
      const orderId = await client.checkout(
        basketId,
        { customerId, items: [], paymentToken: token },
        `${tag}-${n}`,
      );
      placed.push({ orderId, sentAt, checkoutMs: performance.now() - checkoutAt });
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  };

  const start = performance.now();
  for (let n = 0; n < total; n++) {
    if (stopWhen?.()) break;
    const due = start + (n * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (running.size >= maxInFlight) {
      skipped += 1;
      continue;
    }
    const p = one(n).finally(() => running.delete(p));
    running.add(p);
  }
  const sentFor = (performance.now() - start) / 1000;
  await Promise.all(running);
  return {
    offered: ratePerSecond,
    seconds: Math.min(seconds, Math.max(sentFor, 1 / ratePerSecond)),
    placed,
    failures,
    skipped,
  };
}
