import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_MAX_LENGTH, parseChargeRequest, parseIdempotencyKey } from './charge-request';

const valid = { orderId: 'order-1', amountMinor: 1999, currency: 'EUR', token: 'tok_ok' };

describe('parseChargeRequest', () => {
  it('accepts a valid body and drops fields it does not know', () => {
    expect(parseChargeRequest({ ...valid, note: 'ignored' })).toEqual({ ok: true, value: valid });
  });

  it.each([
    ['a missing orderId', { ...valid, orderId: undefined }, /orderId/],
    ['an empty orderId', { ...valid, orderId: '  ' }, /orderId/],
    ['a zero amount', { ...valid, amountMinor: 0 }, /amountMinor/],
    ['a negative amount', { ...valid, amountMinor: -5 }, /amountMinor/],
    ['a fractional amount', { ...valid, amountMinor: 19.99 }, /amountMinor/],
    ['an amount as a string', { ...valid, amountMinor: '1999' }, /amountMinor/],
    ['a lower-case currency', { ...valid, currency: 'eur' }, /currency: expected an ISO 4217 code/],
    ['a four-letter currency', { ...valid, currency: 'EURO' }, /currency/],
    ['a missing token', { ...valid, token: undefined }, /token/],
  ])('rejects %s, naming the field', (_, body, reason) => {
    const result = parseChargeRequest(body);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('names every bad field at once', () => {
    const result = parseChargeRequest({ amountMinor: 0, currency: 'x' });
    expect(!result.ok && result.reason.split('; ').map((p) => p.split(':')[0])).toEqual([
      'orderId',
      'amountMinor',
      'currency',
      'token',
    ]);
  });

  it.each([undefined, null, 'text', 42, [valid]])('rejects a body that is not a JSON object: %j', (body) => {
    expect(parseChargeRequest(body)).toEqual({
      ok: false,
      reason: 'the body must be a JSON object (Content-Type: application/json)',
    });
  });
});

describe('parseIdempotencyKey', () => {
  it('takes the header as it is', () => {
    expect(parseIdempotencyKey('order-1')).toEqual({ ok: true, value: 'order-1' });
    expect(parseIdempotencyKey(['order-1', 'order-2'])).toEqual({ ok: true, value: 'order-1' });
  });

  it.each([undefined, '', '   '])('requires it: %j', (header) => {
    expect(parseIdempotencyKey(header)).toEqual({
      ok: false,
      reason: 'the Idempotency-Key header is required',
    });
  });

  it('refuses an overlong key', () => {
    expect(parseIdempotencyKey('k'.repeat(IDEMPOTENCY_KEY_MAX_LENGTH)).ok).toBe(true);
    expect(parseIdempotencyKey('k'.repeat(IDEMPOTENCY_KEY_MAX_LENGTH + 1)).ok).toBe(false);
  });
});
