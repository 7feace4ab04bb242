/**
 * An order's payment: one per order, charged once. No NestJS, Kafka, SQL or HTTP here: the
 * handler checks the request, loads (or starts) the payment, asks whether a charge is still
 * due, calls the provider, and records its answer here before storing the payment and
 * writing the event it returns, all in one transaction.
 *
 *   PENDING → PROCESSED (the provider charged) | FAILED (the provider declined)
 *
 * PROCESSED and FAILED are final: a payment that has an outcome is never charged again,
 * whatever event arrives later for its order.
 */

export type PaymentStatus = 'PENDING' | 'PROCESSED' | 'FAILED';

/** The reason codes of the PaymentFailed schema. */
export type PaymentFailureReason = 'DECLINED' | 'INSUFFICIENT_FUNDS' | 'PROVIDER_ERROR';

/** What the order service asked to be charged. */
export interface PaymentRequest {
  orderId: string;
  amountMinor: number;
  currency: string;
  paymentToken: string;
}

export interface PaymentSnapshot {
  orderId: string;
  paymentId: string;
  amountMinor: number;
  currency: string;
  status: PaymentStatus;
  providerReference: string | null;
  failureReasonCode: PaymentFailureReason | null;
  failureReason: string | null;
  /** Provider calls recorded for this payment. */
  attempts: number;
  /** The payment's version; the sequence of the events it produces. */
  version: number;
}

/** A request that no retry can make valid (a malformed event). */
export class PaymentRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentRuleError';
  }
}

/** The event a settled payment produces, with the payment's state at that moment. */
export type PaymentOutcome =
  { kind: 'processed'; payment: PaymentSnapshot } | { kind: 'failed'; payment: PaymentSnapshot };

const CURRENCY = /^[A-Z]{3}$/;

/** Checks what an OrderValidated event asks for; throws PaymentRuleError naming every problem. */
export function checkRequest(request: PaymentRequest): PaymentRequest {
  const problems: string[] = [];
  if (request.orderId.trim() === '') problems.push('orderId is empty');
  if (!Number.isSafeInteger(request.amountMinor) || request.amountMinor <= 0)
    problems.push(`amountMinor must be a positive integer (got ${request.amountMinor})`);
  if (!CURRENCY.test(request.currency))
    problems.push(`currency must be an ISO 4217 code (got "${request.currency}")`);
  if (request.paymentToken.trim() === '') problems.push('paymentToken is empty');
  if (problems.length > 0)
    throw new PaymentRuleError(`cannot charge order ${request.orderId}: ${problems.join('; ')}`);
  return request;
}

/**
 * The provider's decline reasons are its own words; only the lack of funds is told apart,
 * because the customer can do something different about it.
 */
export function failureReasonFor(providerReason: string): PaymentFailureReason {
  return providerReason === 'insufficient_funds' ? 'INSUFFICIENT_FUNDS' : 'DECLINED';
}

export class Payment {
  private constructor(private state: PaymentSnapshot) {}

  /** A new payment for a checked request, not yet charged. */
  static start(request: PaymentRequest, paymentId: string): Payment {
    return new Payment({
      orderId: request.orderId,
      paymentId,
      amountMinor: request.amountMinor,
      currency: request.currency,
      status: 'PENDING',
      providerReference: null,
      failureReasonCode: null,
      failureReason: null,
      attempts: 0,
      version: 0,
    });
  }

  static restore(snapshot: PaymentSnapshot): Payment {
    return new Payment({ ...snapshot });
  }

  get snapshot(): PaymentSnapshot {
    return { ...this.state };
  }

  get status(): PaymentStatus {
    return this.state.status;
  }

  /** Whether the provider must still be asked: only a payment without an outcome is charged. */
  get chargeDue(): boolean {
    return this.state.status === 'PENDING';
  }

  /** The provider charged the order's total. */
  approved(providerReference: string): PaymentOutcome {
    this.settle({ status: 'PROCESSED', providerReference });
    return { kind: 'processed', payment: this.snapshot };
  }

  /** The provider refused the charge, for `providerReason` (its own words). */
  declined(providerReason: string): PaymentOutcome {
    this.settle({
      status: 'FAILED',
      failureReasonCode: failureReasonFor(providerReason),
      failureReason: `the payment provider declined the charge: ${providerReason}`,
    });
    return { kind: 'failed', payment: this.snapshot };
  }

  private settle(change: Partial<PaymentSnapshot> & { status: PaymentStatus }): void {
    if (!this.chargeDue)
      throw new PaymentRuleError(
        `payment ${this.state.paymentId} of order ${this.state.orderId} is already ${this.state.status}`,
      );
    this.state = {
      ...this.state,
      ...change,
      attempts: this.state.attempts + 1,
      version: this.state.version + 1,
    };
  }
}
