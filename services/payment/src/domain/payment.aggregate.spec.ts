import { describe, expect, it } from 'vitest';
import {
  checkRequest,
  failureReasonFor,
  Payment,
  PaymentRuleError,
  type PaymentRequest,
} from './payment.aggregate';

function aRequest(overrides: Partial<PaymentRequest> = {}): PaymentRequest {
  return { orderId: 'order-1', amountMinor: 4399, currency: 'EUR', paymentToken: 'tok_ok', ...overrides };
}

describe('checkRequest', () => {
  it('accepts a positive integer amount, an ISO currency and a token', () => {
    expect(checkRequest(aRequest())).toEqual(aRequest());
  });

  it.each([
    ['a zero amount', { amountMinor: 0 }, /amountMinor must be a positive integer/],
    ['a negative amount', { amountMinor: -5 }, /amountMinor/],
    ['a fractional amount', { amountMinor: 12.5 }, /amountMinor/],
    ['a lower-case currency', { currency: 'eur' }, /currency must be an ISO 4217 code/],
    ['an empty token', { paymentToken: ' ' }, /paymentToken is empty/],
  ])('refuses %s', (_, overrides, reason) => {
    expect(() => checkRequest(aRequest(overrides))).toThrow(PaymentRuleError);
    expect(() => checkRequest(aRequest(overrides))).toThrow(reason);
  });

  it('names every problem at once', () => {
    expect(() => checkRequest(aRequest({ amountMinor: 0, currency: 'euro' }))).toThrow(
      /amountMinor.*currency/,
    );
  });
});

const VALIDATED = new Date('2026-03-01T10:00:00.000Z');
const DEADLINE_MS = 600_000;
const LEASE_MS = 15_000;
const at = (ms: number) => new Date(VALIDATED.getTime() + ms);

function aDuePayment(): Payment {
  return Payment.due(aRequest(), 'payment-1', VALIDATED, at(5));
}

/** A payment whose attempt `startAt` ended with a failure, next due `retryInMs` later. */
function failedOnce(maybeCharged: boolean, startAt = 10, retryInMs = 500): Payment {
  const payment = aDuePayment();
  payment.startAttempt(at(startAt), LEASE_MS, DEADLINE_MS);
  payment.attemptFailed(
    { at: at(startAt + 100), retryAt: at(startAt + 100 + retryInMs), error: 'boom', maybeCharged },
    DEADLINE_MS,
  );
  return payment;
}

describe('Payment', () => {
  it('is recorded as a due intent at version 0, due at once, with no attempt yet', () => {
    const payment = aDuePayment();
    expect(payment.chargeDue).toBe(true);
    expect(payment.snapshot).toMatchObject({
      orderId: 'order-1',
      paymentId: 'payment-1',
      amountMinor: 4399,
      currency: 'EUR',
      paymentToken: 'tok_ok',
      status: 'CHARGE_DUE',
      attempts: 0,
      version: 0,
      validatedAt: VALIDATED,
      nextAttemptAt: at(5),
      leaseUntil: null,
      callStartedAt: null,
    });
    expect(payment.deadlineAt(DEADLINE_MS)).toEqual(at(DEADLINE_MS));
  });

  it('starts an attempt: counted, leased, the call start recorded; a first attempt charges without asking', () => {
    const payment = aDuePayment();
    expect(payment.startAttempt(at(10), LEASE_MS, DEADLINE_MS)).toEqual({
      attempt: 1,
      lookUpFirst: false,
      mayCharge: true,
    });
    expect(payment.snapshot).toMatchObject({
      attempts: 1,
      leaseUntil: at(10 + LEASE_MS),
      callStartedAt: at(10),
    });
    expect(payment.holds(1)).toBe(true);
    expect(payment.holds(2)).toBe(false);
  });

  it('after an attempt that surely did not charge, the next one charges without asking', () => {
    const payment = failedOnce(false);
    expect(payment.snapshot).toMatchObject({
      status: 'CHARGE_DUE',
      nextAttemptAt: at(610),
      leaseUntil: null,
      callStartedAt: null,
      lastError: 'boom',
    });
    expect(payment.startAttempt(at(700), LEASE_MS, DEADLINE_MS)).toMatchObject({
      attempt: 2,
      lookUpFirst: false,
    });
  });

  it('after an attempt that may have charged (timeout, crash), the next one asks the provider first', () => {
    const payment = failedOnce(true);
    expect(payment.snapshot.callStartedAt).toEqual(at(10));
    expect(payment.startAttempt(at(700), LEASE_MS, DEADLINE_MS)).toMatchObject({
      attempt: 2,
      lookUpFirst: true,
    });

    const crashed = aDuePayment();
    crashed.startAttempt(at(10), LEASE_MS, DEADLINE_MS);
    // No outcome recorded: the lease lapses and another charger takes it over.
    const takenOver = Payment.restore(crashed.snapshot);
    expect(takenOver.startAttempt(at(10 + LEASE_MS), LEASE_MS, DEADLINE_MS)).toEqual({
      attempt: 2,
      lookUpFirst: true,
      mayCharge: true,
    });
    expect(crashed.holds(1)).toBe(true);
    expect(takenOver.holds(1)).toBe(false);
  });

  it('never waits past its deadline for the next attempt, which then may not charge', () => {
    const payment = failedOnce(false, DEADLINE_MS - 1000, 12_000);
    expect(payment.snapshot.nextAttemptAt).toEqual(at(DEADLINE_MS));
    expect(payment.startAttempt(at(DEADLINE_MS), LEASE_MS, DEADLINE_MS)).toMatchObject({
      lookUpFirst: false,
      mayCharge: false,
    });
    const outcome = payment.gaveUp(DEADLINE_MS);
    expect(outcome.kind).toBe('failed');
    expect(outcome.payment).toMatchObject({
      status: 'FAILED',
      failureReasonCode: 'PROVIDER_ERROR',
      failureReason:
        'deadline: the payment provider did not charge the order within 600000 ms of its validation',
      lastError: 'boom',
      version: 1,
      nextAttemptAt: null,
    });
  });

  it('past its deadline with an unknown outcome, it keeps asking and keeps the call start', () => {
    const payment = failedOnce(true, DEADLINE_MS - 1000, 12_000);
    expect(payment.startAttempt(at(DEADLINE_MS), LEASE_MS, DEADLINE_MS)).toMatchObject({
      lookUpFirst: true,
      mayCharge: false,
    });
    expect(payment.snapshot.callStartedAt).toEqual(at(DEADLINE_MS - 1000));
    payment.attemptFailed(
      { at: at(DEADLINE_MS + 10), retryAt: at(DEADLINE_MS + 5000), error: 'still down', maybeCharged: true },
      DEADLINE_MS,
    );
    expect(payment.snapshot).toMatchObject({
      status: 'CHARGE_DUE',
      nextAttemptAt: at(DEADLINE_MS + 5000),
      callStartedAt: at(DEADLINE_MS - 1000),
    });
  });

  it('is processed with the provider reference when approved, one version up', () => {
    const payment = aDuePayment();
    payment.startAttempt(at(10), LEASE_MS, DEADLINE_MS);
    const outcome = payment.approved('ch_123');
    expect(outcome.kind).toBe('processed');
    expect(outcome.payment).toMatchObject({
      status: 'PROCESSED',
      providerReference: 'ch_123',
      attempts: 1,
      version: 1,
      nextAttemptAt: null,
      leaseUntil: null,
      callStartedAt: null,
    });
    expect(payment.chargeDue).toBe(false);
    expect(payment.holds(1)).toBe(false);
  });

  it('fails with a reason code and a reason when declined', () => {
    const payment = aDuePayment();
    const outcome = payment.declined('card_declined');
    expect(outcome.kind).toBe('failed');
    expect(outcome.payment).toMatchObject({
      status: 'FAILED',
      failureReasonCode: 'DECLINED',
      failureReason: 'the payment provider declined the charge: card_declined',
      providerReference: null,
      version: 1,
    });
  });

  it("fails as declined, with the provider's words, when the provider refuses the request for good", () => {
    const outcome = aDuePayment().refused('the payment provider refused the charge (422): unknown token');
    expect(outcome.payment).toMatchObject({
      status: 'FAILED',
      failureReasonCode: 'DECLINED',
      failureReason: 'the payment provider refused the charge (422): unknown token',
    });
  });

  it('tells a lack of funds apart from other declines', () => {
    expect(failureReasonFor('insufficient_funds')).toBe('INSUFFICIENT_FUNDS');
    expect(failureReasonFor('card_declined')).toBe('DECLINED');
    expect(failureReasonFor('do_not_honor')).toBe('DECLINED');
  });

  it('is never settled twice: a restored final payment owes no charge and refuses another outcome or attempt', () => {
    const processed = aDuePayment();
    processed.approved('ch_123');
    const restored = Payment.restore(processed.snapshot);
    expect(restored.chargeDue).toBe(false);
    expect(() => restored.approved('ch_456')).toThrow(PaymentRuleError);
    expect(() => restored.declined('card_declined')).toThrow(/already PROCESSED/);
    expect(() => restored.gaveUp(DEADLINE_MS)).toThrow(PaymentRuleError);
    expect(() => restored.startAttempt(at(10), LEASE_MS, DEADLINE_MS)).toThrow(/cannot start an attempt/);
    expect(() =>
      restored.attemptFailed({ at: at(1), retryAt: at(2), error: 'x', maybeCharged: false }, DEADLINE_MS),
    ).toThrow(PaymentRuleError);
    expect(restored.snapshot).toEqual(processed.snapshot);
  });
});
