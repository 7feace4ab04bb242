/**
 * An order's payment: one per order, charged once. No NestJS, Kafka, SQL or HTTP here.
 *
 *   CHARGE_DUE → PROCESSED (the provider charged) | FAILED (declined, refused, or the deadline passed)
 *
 * The OrderValidated handler only records the intent (CHARGE_DUE, due now). The charger
 * then takes the due payment: `startAttempt` (committed before any call) says whether to
 * ask the provider first what became of an earlier call, and whether a charge may still be
 * made; the provider is called outside any transaction; the answer is recorded here in a
 * new transaction. PROCESSED and FAILED are final: a payment that has an outcome is never
 * charged again, whatever event arrives later for its order.
 */

export type PaymentStatus = 'CHARGE_DUE' | 'PROCESSED' | 'FAILED';

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
  /** The token to charge; null only on payments settled before the token was kept. */
  paymentToken: string | null;
  status: PaymentStatus;
  providerReference: string | null;
  failureReasonCode: PaymentFailureReason | null;
  failureReason: string | null;
  /** Charge attempts started (each one claimed by a charger, whatever became of it). */
  attempts: number;
  /** The payment's version; the sequence of the events it produces. */
  version: number;
  /** When the order was validated: the deadline counts from here. */
  validatedAt: Date;
  /** When a charger takes the payment next; null once it is settled. */
  nextAttemptAt: Date | null;
  /** Until when the attempt under way belongs to the charger that started it. */
  leaseUntil: Date | null;
  /**
   * Set while a call may have reached the provider without its answer being recorded (in
   * flight, timed out, or the process died): the next attempt asks the provider first.
   */
  callStartedAt: Date | null;
  /** Why the last attempt did not settle the payment. */
  lastError: string | null;
}

/** What a charger does with the attempt it has just started. */
export interface AttemptPlan {
  /** The attempt's number: the charger's claim, checked again when it records the outcome. */
  attempt: number;
  /** Ask the provider about the idempotency key before anything else. */
  lookUpFirst: boolean;
  /** Whether a charge may still be made (false once the deadline has passed). */
  mayCharge: boolean;
}

/** A request that no retry can make valid (a malformed event), or a rule broken by the caller. */
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

const later = (at: Date, ms: number) => new Date(at.getTime() + ms);

export class Payment {
  private constructor(private state: PaymentSnapshot) {}

  /** The intent to charge a checked request, due at once. */
  static due(request: PaymentRequest, paymentId: string, validatedAt: Date, now: Date): Payment {
    return new Payment({
      orderId: request.orderId,
      paymentId,
      amountMinor: request.amountMinor,
      currency: request.currency,
      paymentToken: request.paymentToken,
      status: 'CHARGE_DUE',
      providerReference: null,
      failureReasonCode: null,
      failureReason: null,
      attempts: 0,
      version: 0,
      validatedAt,
      nextAttemptAt: now,
      leaseUntil: null,
      callStartedAt: null,
      lastError: null,
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

  /** Whether the payment still waits for its outcome. */
  get chargeDue(): boolean {
    return this.state.status === 'CHARGE_DUE';
  }

  deadlineAt(deadlineMs: number): Date {
    return later(this.state.validatedAt, deadlineMs);
  }

  /**
   * A charger takes the payment at `now` and holds it for `leaseMs`; when the lease lapses
   * (the charger died) another one takes it over. Past the deadline no new charge is made:
   * the attempt only settles what an earlier call did.
   */
  startAttempt(now: Date, leaseMs: number, deadlineMs: number): AttemptPlan {
    this.expectDue('start an attempt');
    const lookUpFirst = this.state.callStartedAt !== null;
    const mayCharge = now < this.deadlineAt(deadlineMs);
    this.state = {
      ...this.state,
      attempts: this.state.attempts + 1,
      leaseUntil: later(now, leaseMs),
      callStartedAt: mayCharge ? now : this.state.callStartedAt,
    };
    return { attempt: this.state.attempts, lookUpFirst, mayCharge };
  }

  /** Whether `attempt` is still this payment's current one (not settled, not taken over). */
  holds(attempt: number): boolean {
    return this.chargeDue && this.state.attempts === attempt;
  }

  /** The provider charged the order's total (answered now, or found by its idempotency key). */
  approved(providerReference: string): PaymentOutcome {
    this.settle({ status: 'PROCESSED', providerReference });
    return { kind: 'processed', payment: this.snapshot };
  }

  /** The provider declined the charge, for `providerReason` (its own words). */
  declined(providerReason: string): PaymentOutcome {
    return this.fail(
      failureReasonFor(providerReason),
      `the payment provider declined the charge: ${providerReason}`,
    );
  }

  /** The provider refused the request for good (a 4xx: unknown token, invalid request). */
  refused(detail: string): PaymentOutcome {
    return this.fail('DECLINED', detail);
  }

  /** The deadline passed with no charge made: given up, so the order can be cancelled. */
  gaveUp(deadlineMs: number): PaymentOutcome {
    // The reason reaches the customer's cancellation email; the technical cause stays in lastError.
    return this.fail(
      'PROVIDER_ERROR',
      `deadline: the payment provider did not charge the order within ${deadlineMs} ms of its validation`,
    );
  }

  /**
   * The attempt ended at `at` without an outcome. The payment stays due at `retryAt`, but
   * never later than its deadline, where the last attempt gives up; past the deadline (a
   * lookup that failed) it keeps `retryAt`. `maybeCharged`: a call may have charged
   * without the answer arriving, so the next attempt asks the provider first.
   */
  attemptFailed(
    failure: { at: Date; retryAt: Date; error: string; maybeCharged: boolean },
    deadlineMs: number,
  ): void {
    this.expectDue('record a failed attempt');
    const deadline = this.deadlineAt(deadlineMs);
    const capped = failure.at < deadline && failure.retryAt > deadline ? deadline : failure.retryAt;
    this.state = {
      ...this.state,
      nextAttemptAt: capped,
      leaseUntil: null,
      callStartedAt: failure.maybeCharged ? this.state.callStartedAt : null,
      lastError: failure.error,
    };
  }

  private fail(code: PaymentFailureReason, reason: string): PaymentOutcome {
    this.settle({ status: 'FAILED', failureReasonCode: code, failureReason: reason });
    return { kind: 'failed', payment: this.snapshot };
  }

  private settle(change: Partial<PaymentSnapshot> & { status: PaymentStatus }): void {
    this.expectDue(`settle it as ${change.status}`);
    this.state = {
      ...this.state,
      ...change,
      nextAttemptAt: null,
      leaseUntil: null,
      callStartedAt: null,
      version: this.state.version + 1,
    };
  }

  private expectDue(action: string): void {
    if (!this.chargeDue)
      throw new PaymentRuleError(
        `payment ${this.state.paymentId} of order ${this.state.orderId} is already ${this.state.status}: cannot ${action}`,
      );
  }
}
