import { randomUUID } from 'node:crypto';
import type { OrderRequest, PlatformClient } from '@order-platform/e2e';

/** The simulator's tokens, and what each one makes of an order in the end. */
export const OUTCOME_OF_TOKEN = {
  tok_ok: 'DELIVERED',
  tok_flaky: 'DELIVERED',
  tok_slow: 'DELIVERED',
  tok_declined: 'CANCELLED',
} as const;

export type PaymentToken = keyof typeof OUTCOME_OF_TOKEN;

/** The mix of a steady flow: mostly good payments, some that fail at first, some declined. */
export const TOKEN_MIX: readonly PaymentToken[] = [
  'tok_ok',
  'tok_ok',
  'tok_ok',
  'tok_ok',
  'tok_flaky',
  'tok_slow',
  'tok_declined',
  'tok_declined',
];

/** The SKUs every order of the flow buys, one of each: plenty of stock, so no order is rejected. */
export const FLOW_SKUS = ['SKU-FLTR-009', 'SKU-MUG-002'] as const;

export interface PlacedOrder {
  orderId: string;
  token: PaymentToken;
  /** When the checkout was accepted (ms since the epoch). */
  acceptedAt: number;
}

export interface FlowResult {
  accepted: PlacedOrder[];
  /** Orders whose checkout was never accepted (a dependency was down): not the system's to finish. */
  refused: number;
  /** The first few reasons for refusals, for the report. */
  reasons: string[];
}

export interface FlowOptions {
  ratePerSecond: number;
  /** Checkouts under way at once at the most; past it a tick is skipped (and counted refused). */
  maxInFlight?: number;
  /** Tries of one checkout with the same idempotency key, so a lost answer is not a lost order. */
  checkoutTries?: number;
}

/**
 * An open-loop flow of orders: a checkout starts at every tick of a fixed rate whether or
 * not the earlier ones have answered, as customers do, and nothing is polled while it runs.
 * A checkout whose answer is lost is sent again with the same idempotency key, which the
 * basket service replays, so an order the system accepted is always known here.
 */
export class OrderFlow {
  private readonly accepted: PlacedOrder[] = [];
  private readonly reasons: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private refused = 0;
  private timer: NodeJS.Timeout | undefined;
  private sent = 0;

  constructor(
    private readonly client: PlatformClient,
    private readonly options: FlowOptions,
  ) {}

  start(): void {
    const interval = 1000 / this.options.ratePerSecond;
    this.timer = setInterval(() => this.tick(), interval);
  }

  /** Stops starting checkouts, waits for those under way, and says what became of them. */
  async stop(): Promise<FlowResult> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.inFlight);
    return { accepted: [...this.accepted], refused: this.refused, reasons: [...this.reasons] };
  }

  private tick(): void {
    if (this.inFlight.size >= (this.options.maxInFlight ?? 50)) {
      this.refuse('too many checkouts under way');
      return;
    }
    const token = TOKEN_MIX[this.sent++ % TOKEN_MIX.length]!;
    const work = this.place(token).finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  }

  private async place(token: PaymentToken): Promise<void> {
    const customerId = `faults-${randomUUID().slice(0, 8)}`;
    const request: OrderRequest = {
      customerId,
      email: `${customerId}@example.com`,
      items: FLOW_SKUS.map((sku) => ({ sku, quantity: 1 })),
      paymentToken: token,
    };
    let basketId: string;
    try {
      basketId = await this.client.createBasket(customerId);
      for (const item of request.items) await this.client.setItem(basketId, item.sku, item.quantity);
    } catch (error) {
      this.refuse(error);
      return;
    }
    const key = randomUUID();
    const tries = this.options.checkoutTries ?? 3;
    for (let attempt = 1; attempt <= tries; attempt++) {
      try {
        const orderId = await this.client.checkout(basketId, request, key);
        this.accepted.push({ orderId, token, acceptedAt: Date.now() });
        return;
      } catch (error) {
        if (attempt === tries) this.refuse(error);
        else await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  }

  private refuse(reason: unknown): void {
    this.refused += 1;
    if (this.reasons.length < 5) this.reasons.push(reason instanceof Error ? reason.message : String(reason));
  }
}
