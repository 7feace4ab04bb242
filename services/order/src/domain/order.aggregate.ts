/**
 * The order's state machine. No NestJS, Kafka or SQL here: the handlers load an order,
 * call one of these methods with what a consumed event says, store the result and write
 * the events it returns to the outbox, all in one transaction.
 *
 *   PENDING → VALIDATED | REJECTED
 *   VALIDATED → CONFIRMED (paid) | CANCELLED (payment failed, stock released)
 *   CONFIRMED → DISPATCHED → IN_TRANSIT → DELIVERED
 *
 * A state never moves backwards, and REJECTED, CANCELLED and DELIVERED are terminal.
 * Shipment news comes on two topics (status changes and the delivery) whose relative
 * order Kafka does not guarantee, and each of its events carries the whole timeline, so a
 * step may be skipped (IN_TRANSIT straight after CONFIRMED) and news older than the
 * order's state is no change at all — not an error.
 */

export type OrderStatus =
  | 'PENDING'
  | 'VALIDATED'
  | 'REJECTED'
  | 'CONFIRMED'
  | 'CANCELLED'
  | 'DISPATCHED'
  | 'IN_TRANSIT'
  | 'DELIVERED';

export const TERMINAL: ReadonlySet<OrderStatus> = new Set(['REJECTED', 'CANCELLED', 'DELIVERED']);

/** Shipment progress, in the order it happens. */
const SHIPMENT_PROGRESS = ['CONFIRMED', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED'] as const;
export type ShipmentStatus = Exclude<(typeof SHIPMENT_PROGRESS)[number], 'CONFIRMED'>;

export interface OrderLine {
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface Transition {
  from: OrderStatus | null;
  to: OrderStatus;
  /** When the change happened (the causing event's own time). */
  at: Date;
  /** What caused it, e.g. the event type. */
  cause: string;
  reason?: string;
}

export type RejectionReason = 'OUT_OF_STOCK' | 'UNKNOWN_SKU' | 'INVALID_ORDER' | 'TOTAL_OVER_LIMIT';

export interface UnavailableItem {
  sku: string;
  requestedQuantity: number;
  availableQuantity: number;
}

/** What a change produced, for the application layer to turn into outbox events. */
export type OrderChange =
  | { kind: 'validated' }
  | {
      kind: 'rejected';
      reasonCode: RejectionReason;
      reason: string;
      unavailableItems: readonly UnavailableItem[];
    }
  | { kind: 'confirmed'; paymentId: string }
  | { kind: 'cancelled'; reason: string; releaseStock: OrderLine[] }
  | { kind: 'shipment-progressed'; status: ShipmentStatus }
  | { kind: 'completed'; shipmentId: string; deliveredAt: Date };

/** What the customer asked for: an order as OrderRequested brings it. */
export interface OrderRequest {
  orderId: string;
  customerId: string;
  customerEmail: string;
  currency: string;
  lines: OrderLine[];
  totalMinor: number;
}

export interface OrderSnapshot extends OrderRequest {
  status: OrderStatus;
  /** Incremented with every change; it is the sequence of the events the change emits. */
  version: number;
  history: Transition[];
}

export class OrderRuleError extends Error {
  override name = 'OrderRuleError';
}

export function totalOf(lines: readonly OrderLine[]): number {
  return lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0);
}

/** What the stock check found for each requested line. */
export interface StockCheck {
  /** Lines whose SKU the order service has no stock record of. */
  unknownSkus: readonly string[];
  /** Lines with too little stock. */
  unavailable: readonly UnavailableItem[];
}

export class Order {
  private constructor(private state: OrderSnapshot) {}

  static restore(snapshot: OrderSnapshot): Order {
    return new Order(structuredClone(snapshot));
  }

  /** A new order from an OrderRequested event. */
  static request(input: OrderRequest & { at: Date }): Order {
    return new Order({
      ...input,
      lines: input.lines.map((l) => ({ ...l })),
      status: 'PENDING',
      version: 1,
      history: [{ from: null, to: 'PENDING', at: input.at, cause: 'OrderRequested' }],
    });
  }

  get snapshot(): Readonly<OrderSnapshot> {
    return this.state;
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  /**
   * Validates a PENDING order against the rules and the stock check. The caller reserves
   * the stock in the same transaction when the result is `validated`.
   */
  validate(check: StockCheck, limits: { maxTotalMinor: number }, at: Date): OrderChange {
    this.expect('PENDING', 'validate');
    const rejection = this.rejectionFor(check, limits);
    if (rejection) {
      this.move('REJECTED', at, 'OrderRequested', rejection.reason);
      return rejection;
    }
    this.move('VALIDATED', at, 'OrderRequested');
    return { kind: 'validated' };
  }

  paymentProcessed(paymentId: string, at: Date): OrderChange | undefined {
    if (this.state.status !== 'VALIDATED') return this.lateOrEarly('PaymentProcessed');
    this.move('CONFIRMED', at, 'PaymentProcessed');
    return { kind: 'confirmed', paymentId };
  }

  paymentFailed(reason: string, at: Date): OrderChange | undefined {
    if (this.state.status !== 'VALIDATED') return this.lateOrEarly('PaymentFailed');
    this.move('CANCELLED', at, 'PaymentFailed', reason);
    return { kind: 'cancelled', reason, releaseStock: this.state.lines.map((l) => ({ ...l })) };
  }

  /** Shipment news: moves forward to `status` (skipping steps if need be); older news is no change. */
  shipmentProgressed(status: ShipmentStatus, at: Date, cause: string): OrderChange | undefined {
    const current = SHIPMENT_PROGRESS.indexOf(this.state.status as (typeof SHIPMENT_PROGRESS)[number]);
    if (current < 0) {
      if (TERMINAL.has(this.state.status)) return undefined;
      throw new OrderRuleError(`order ${this.state.orderId} is ${this.state.status}: it has no shipment yet`);
    }
    if (SHIPMENT_PROGRESS.indexOf(status) <= current) return undefined;
    this.move(status, at, cause);
    return { kind: 'shipment-progressed', status };
  }

  /** The delivery, recorded: the order's own page now shows it, so mail about it may go. */
  delivered(shipmentId: string, deliveredAt: Date, cause: string): OrderChange | undefined {
    if (this.shipmentProgressed('DELIVERED', deliveredAt, cause) === undefined) return undefined;
    return { kind: 'completed', shipmentId, deliveredAt };
  }

  private rejectionFor(
    check: StockCheck,
    limits: { maxTotalMinor: number },
  ): Extract<OrderChange, { kind: 'rejected' }> | undefined {
    const rejected = (
      reasonCode: RejectionReason,
      reason: string,
      unavailableItems: readonly UnavailableItem[] = [],
    ) => ({ kind: 'rejected', reasonCode, reason, unavailableItems }) as const;
    const { lines, totalMinor } = this.state;
    if (lines.length === 0) return rejected('INVALID_ORDER', 'The order has no lines.');
    const bad = lines.find((l) => !Number.isInteger(l.quantity) || l.quantity < 1 || l.unitPriceMinor < 0);
    if (bad)
      return rejected(
        'INVALID_ORDER',
        `Line ${bad.sku} has quantity ${bad.quantity} and unit price ${bad.unitPriceMinor}.`,
      );
    if (totalOf(lines) !== totalMinor) {
      return rejected(
        'INVALID_ORDER',
        `The total ${totalMinor} is not the sum of the lines (${totalOf(lines)}).`,
      );
    }
    if (check.unknownSkus.length > 0) {
      return rejected('UNKNOWN_SKU', `No such item: ${check.unknownSkus.join(', ')}.`);
    }
    if (totalMinor > limits.maxTotalMinor) {
      return rejected(
        'TOTAL_OVER_LIMIT',
        `The total ${totalMinor} is over the limit of ${limits.maxTotalMinor} per order.`,
      );
    }
    if (check.unavailable.length > 0) {
      const detail = check.unavailable
        .map((u) => `${u.sku}: ${u.requestedQuantity} ordered, ${u.availableQuantity} left`)
        .join('; ');
      return rejected('OUT_OF_STOCK', `Not enough stock (${detail}).`, check.unavailable);
    }
    return undefined;
  }

  /**
   * A payment answer for an order past VALIDATED is a late echo (one payment per order, so
   * the order already moved on): no change. Before validation it breaks the choreography.
   */
  private lateOrEarly(cause: string): undefined {
    if (this.state.status === 'PENDING') {
      throw new OrderRuleError(`order ${this.state.orderId} got ${cause} before it was validated`);
    }
    return undefined;
  }

  private expect(status: OrderStatus, action: string): void {
    if (this.state.status !== status) {
      throw new OrderRuleError(
        `cannot ${action} order ${this.state.orderId}: it is ${this.state.status}, not ${status}`,
      );
    }
  }

  private move(to: OrderStatus, at: Date, cause: string, reason?: string): void {
    this.state.history.push({ from: this.state.status, to, at, cause, ...(reason ? { reason } : {}) });
    this.state.status = to;
    this.state.version += 1;
  }
}
