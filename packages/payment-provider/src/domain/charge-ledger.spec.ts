import { describe, expect, it } from 'vitest';
import { type ChargeDecision, ChargeLedger, type Outcome } from './charge-ledger';
import type { ChargeRequest } from './charge-request';

const SLOW = 3000;

function ledger() {
  let ids = 0;
  return new ChargeLedger({
    slowDelayMs: SLOW,
    now: () => new Date('2026-01-02T03:04:05.000Z'),
    newChargeId: () => `ch_${++ids}`,
  });
}

const request = (overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  orderId: 'order-1',
  amountMinor: 1999,
  currency: 'EUR',
  token: 'tok_ok',
  ...overrides,
});

function answered(decision: ChargeDecision) {
  if (decision.kind !== 'answered') throw new Error(`expected an answer, got ${decision.kind}`);
  return decision;
}

const statuses = (l: ChargeLedger, req: ChargeRequest, key: string, times: number) =>
  Array.from({ length: times }, () => answered(l.charge(key, req))).map((d) => [
    d.outcome.status,
    d.replayed,
    d.delayMs,
  ]);

describe('ChargeLedger', () => {
  it('tok_ok charges once and replays the approval for the same key', () => {
    const l = ledger();
    const first = answered(l.charge('order-1', request()));
    expect(first.outcome).toEqual<Outcome>({
      status: 'approved',
      chargeId: 'ch_1',
      orderId: 'order-1',
      amountMinor: 1999,
      currency: 'EUR',
      createdAt: '2026-01-02T03:04:05.000Z',
    });
    const again = answered(l.charge('order-1', request()));
    expect(again).toMatchObject({ outcome: first.outcome, replayed: true, attempt: 2 });
    expect(l.list('order-1').charges).toEqual([
      {
        id: 'ch_1',
        orderId: 'order-1',
        amountMinor: 1999,
        currency: 'EUR',
        idempotencyKey: 'order-1',
        createdAt: '2026-01-02T03:04:05.000Z',
      },
    ]);
    expect(l.list('order-1').attempts.map((a) => [a.attempt, a.result])).toEqual([
      [1, 'approved'],
      [2, 'replayed'],
    ]);
  });

  it('tok_declined declines without a charge, and keeps declining', () => {
    const l = ledger();
    expect(statuses(l, request({ token: 'tok_declined' }), 'k', 2)).toEqual([
      ['declined', false, 0],
      ['declined', true, 0],
    ]);
    expect(answered(l.charge('k', request({ token: 'tok_declined' }))).outcome).toMatchObject({
      reason: 'card_declined',
    });
    expect(l.stats()).toMatchObject({ charges: 0, results: { declined: 1, replayed: 2 } });
  });

  it('tok_flaky is unavailable twice, then approves once', () => {
    const l = ledger();
    expect(statuses(l, request({ token: 'tok_flaky' }), 'k', 4)).toEqual([
      ['unavailable', false, 0],
      ['unavailable', false, 0],
      ['approved', false, 0],
      ['approved', true, 0],
    ]);
    expect(l.stats()).toMatchObject({ charges: 1, attempts: 4, duplicateCharges: 0 });
  });

  it('tok_slow charges at once but answers late the first time; the retry replays promptly', () => {
    const l = ledger();
    expect(statuses(l, request({ token: 'tok_slow' }), 'k', 2)).toEqual([
      ['approved', false, SLOW],
      ['approved', true, 0],
    ]);
    expect(l.stats().charges).toBe(1);
  });

  it('counts attempts per order, whatever the key', () => {
    const l = ledger();
    const flaky = request({ token: 'tok_flaky' });
    expect(answered(l.charge('a', flaky)).outcome.status).toBe('unavailable');
    expect(answered(l.charge('b', flaky)).outcome.status).toBe('unavailable');
    expect(answered(l.charge('c', flaky))).toMatchObject({ attempt: 3, outcome: { status: 'approved' } });
    expect(answered(l.charge('x', request({ orderId: 'order-2', token: 'tok_flaky' }))).attempt).toBe(1);
  });

  it('refuses the same key with a different body, and charges nothing for it', () => {
    const l = ledger();
    answered(l.charge('k', request()));
    for (const other of [
      request({ amountMinor: 1 }),
      request({ currency: 'USD' }),
      request({ orderId: 'order-2' }),
    ]) {
      expect(l.charge('k', other)).toMatchObject({
        kind: 'key-reused',
        reason: expect.stringContaining('"k"') as string,
      });
    }
    expect(l.stats()).toMatchObject({ charges: 1, attempts: 1 });
  });

  it('holds the key after a 503, so a retry with another body is refused too', () => {
    const l = ledger();
    answered(l.charge('k', request({ token: 'tok_flaky' })));
    expect(l.charge('k', request({ token: 'tok_ok' })).kind).toBe('key-reused');
  });

  it('refuses an unknown token before it touches any key', () => {
    const l = ledger();
    expect(l.charge('k', request({ token: 'tok_nope' }))).toEqual({
      kind: 'unknown-token',
      reason: 'unknown payment token "tok_nope"',
    });
    expect(answered(l.charge('k', request())).attempt).toBe(1);
  });

  it('reports an order charged under two keys as a duplicate charge', () => {
    const l = ledger();
    answered(l.charge('first', request()));
    answered(l.charge('second', request()));
    answered(l.charge('other', request({ orderId: 'order-2', currency: 'USD', amountMinor: 500 })));
    expect(l.stats()).toEqual({
      charges: 3,
      attempts: 3,
      orders: 2,
      results: { approved: 3, declined: 0, unavailable: 0, replayed: 0 },
      amountMinorByCurrency: { EUR: 3998, USD: 500 },
      duplicateCharges: 1,
      duplicateChargeOrderIds: ['order-1'],
    });
  });

  it('lists one order or all', () => {
    const l = ledger();
    answered(l.charge('a', request()));
    answered(l.charge('b', request({ orderId: 'order-2' })));
    expect(l.list('order-2').charges.map((c) => c.idempotencyKey)).toEqual(['b']);
    expect(l.list().charges).toHaveLength(2);
    expect(l.list('order-3')).toEqual({ charges: [], attempts: [] });
  });

  it('forgets everything on reset', () => {
    const l = ledger();
    answered(l.charge('k', request({ token: 'tok_flaky' })));
    l.reset();
    expect(l.stats()).toMatchObject({ charges: 0, attempts: 0, orders: 0 });
    expect(answered(l.charge('k', request())).attempt).toBe(1);
  });

  it('looks a key up in its charges: found after the key is forgotten, and not an attempt', () => {
    let now = Date.parse('2026-01-02T03:04:05.000Z');
    const l = new ChargeLedger({ slowDelayMs: SLOW, keyTtlMs: 1000, now: () => new Date(now) });
    expect(l.lookup('order-1')).toEqual({ idempotencyKey: 'order-1', charge: null, remembered: false });
    const first = answered(l.charge('order-1', request()));
    expect(l.lookup('order-1')).toMatchObject({
      charge: {
        id: first.outcome.status === 'approved' ? first.outcome.chargeId : '',
        idempotencyKey: 'order-1',
      },
      remembered: true,
    });
    now += 999;
    expect(answered(l.charge('order-1', request())).replayed).toBe(true);
    now += 1;
    expect(l.lookup('order-1')).toMatchObject({ remembered: false, charge: { idempotencyKey: 'order-1' } });
    expect(l.list('order-1').attempts).toHaveLength(2);
  });

  it('charges again once the key has expired: the client, not the key, must prevent it', () => {
    let now = 0;
    const l = new ChargeLedger({ slowDelayMs: SLOW, keyTtlMs: 50, now: () => new Date(now) });
    answered(l.charge('order-1', request()));
    now = 49;
    expect(answered(l.charge('order-1', request())).replayed).toBe(true);
    expect(l.charge('order-1', request({ amountMinor: 1 })).kind).toBe('key-reused');
    now = 50;
    expect(answered(l.charge('order-1', request({ amountMinor: 1 }))).replayed).toBe(false);
    expect(l.stats()).toMatchObject({ charges: 2, duplicateCharges: 1 });
  });

  it('remembers keys for ever without a time-to-live', () => {
    let now = 0;
    const l = new ChargeLedger({ slowDelayMs: SLOW, now: () => new Date(now) });
    answered(l.charge('order-1', request()));
    now = 10 * 365 * 24 * 3600 * 1000;
    expect(answered(l.charge('order-1', request())).replayed).toBe(true);
  });
});
