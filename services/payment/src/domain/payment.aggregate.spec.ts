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

describe('Payment', () => {
  it('starts pending at version 0, so a charge is due', () => {
    const payment = Payment.start(aRequest(), 'payment-1');
    expect(payment.chargeDue).toBe(true);
    expect(payment.snapshot).toMatchObject({
      orderId: 'order-1',
      paymentId: 'payment-1',
      amountMinor: 4399,
      currency: 'EUR',
      status: 'PENDING',
      attempts: 0,
      version: 0,
    });
  });

  it('is processed with the provider reference when approved, one version up', () => {
    const payment = Payment.start(aRequest(), 'payment-1');
    const outcome = payment.approved('ch_123');
    expect(outcome.kind).toBe('processed');
    expect(outcome.payment).toMatchObject({
      status: 'PROCESSED',
      providerReference: 'ch_123',
      attempts: 1,
      version: 1,
    });
    expect(payment.chargeDue).toBe(false);
  });

  it('fails with a reason code and a reason when declined', () => {
    const payment = Payment.start(aRequest(), 'payment-1');
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

  it('tells a lack of funds apart from other declines', () => {
    expect(failureReasonFor('insufficient_funds')).toBe('INSUFFICIENT_FUNDS');
    expect(failureReasonFor('card_declined')).toBe('DECLINED');
    expect(failureReasonFor('do_not_honor')).toBe('DECLINED');
  });

  it('is never settled twice: a restored final payment owes no charge and refuses another outcome', () => {
    const processed = Payment.start(aRequest(), 'payment-1');
    processed.approved('ch_123');
    const restored = Payment.restore(processed.snapshot);
    expect(restored.chargeDue).toBe(false);
    expect(() => restored.approved('ch_456')).toThrow(PaymentRuleError);
    expect(() => restored.declined('card_declined')).toThrow(/already PROCESSED/);
    expect(restored.snapshot).toEqual(processed.snapshot);
  });
});
