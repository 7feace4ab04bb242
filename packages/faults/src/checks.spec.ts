import { describe, expect, it } from 'vitest';
import {
  checkCharges,
  checkDeadLetters,
  checkEmails,
  checkFinalStates,
  checkStock,
  checkViews,
  type Observed,
} from './checks';
import type { EmailFact, OrderFact, ViewFact } from './facts';
import type { PaymentToken, PlacedOrder } from './flow';

const T0 = Date.parse('2026-12-02T12:00:00Z');

function placed(id: string, token: PaymentToken): PlacedOrder {
  return { orderId: id, token, acceptedAt: T0 };
}

function delivered(): OrderFact {
  return { status: 'DELIVERED', enteredAt: { CONFIRMED: T0 + 1000, DELIVERED: T0 + 2000 }, reserved: 2 };
}

function cancelled(): OrderFact {
  return { status: 'CANCELLED', enteredAt: { CANCELLED: T0 + 1000 }, reserved: 0 };
}

/** A world in which order a (tok_ok) was delivered and b (tok_declined) cancelled, all as it should be. */
function healthy(): Observed {
  return {
    orders: new Map([
      ['a', delivered()],
      ['b', cancelled()],
    ]),
    charges: new Map([
      ['a', 1],
      ['b', 0],
    ]),
    emails: new Map<string, EmailFact[]>([
      [
        'a',
        [
          { kind: 'confirmed', receivedAt: T0 + 1500 },
          { kind: 'delivered', receivedAt: T0 + 2500 },
        ],
      ],
      ['b', [{ kind: 'cancelled', receivedAt: T0 + 1200 }]],
    ]),
    views: new Map<string, ViewFact>([
      [
        'a',
        { status: 'DELIVERED', payment: 'PROCESSED', emailKinds: ['ORDER_DELIVERED', 'ORDER_CONFIRMED'] },
      ],
      ['b', { status: 'CANCELLED', payment: 'FAILED', emailKinds: ['ORDER_CANCELLED'] }],
    ]),
    stockBefore: [{ sku: 'S', available: 10, reserved: 0 }],
    stockAfter: [{ sku: 'S', available: 8, reserved: 2 }],
    deadLetters: [
      { topic: 'g.t.dlq', key: 'someone-else', reason: 'order someone-else is not known (round 3)' },
    ],
  };
}

const orders = [placed('a', 'tok_ok'), placed('b', 'tok_declined')];

describe('the fault checks', () => {
  it('pass on a healthy outcome', () => {
    const seen = healthy();
    for (const check of [
      checkFinalStates,
      checkCharges,
      checkEmails,
      checkViews,
      checkStock,
      checkDeadLetters,
    ])
      expect(check(orders, seen)).toEqual({ ok: true, detail: '' });
  });

  it('find an order that did not reach the state its token implies', () => {
    const seen = healthy();
    seen.orders.set('a', { ...delivered(), status: 'VALIDATED' });
    const result = checkFinalStates(orders, seen);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('a (tok_ok) is VALIDATED');
    seen.orders.delete('b');
    expect(checkFinalStates(orders, seen).detail).toContain('unknown to the order service');
  });

  it('find a double charge and a charge for a declined order', () => {
    const seen = healthy();
    seen.charges.set('a', 2);
    seen.charges.set('b', 1);
    const result = checkCharges(orders, seen);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('a (tok_ok) charged 2');
    expect(result.detail).toContain('b (tok_declined) charged 1');
  });

  it('find a duplicate, a missing and a late email', () => {
    const seen = healthy();
    seen.emails.get('b')!.push({ kind: 'cancelled', receivedAt: T0 + 1300 });
    expect(checkEmails(orders, seen).detail).toContain('b: 2 cancelled email(s), expected 1');
    seen.emails.set('b', []);
    expect(checkEmails(orders, seen).detail).toContain('b: 0 cancelled email(s), expected 1');
    seen.emails.set('b', [{ kind: 'cancelled', receivedAt: T0 + 1000 + 61_000 }]);
    expect(checkEmails(orders, seen).detail).toContain('b: cancelled email 61 s after its event');
  });

  it('give emails owed while the email path was down 60 s from its return', () => {
    const seen = healthy();
    seen.emails.set('b', [{ kind: 'cancelled', receivedAt: T0 + 90_000 }]);
    seen.emailPathDown = { from: T0, to: T0 + 40_000 };
    expect(checkEmails(orders, seen).ok).toBe(true);
    seen.emailPathDown = { from: T0, to: T0 + 20_000 };
    expect(checkEmails(orders, seen).ok).toBe(false);
  });

  it('find a view that differs from the owners', () => {
    const seen = healthy();
    seen.views.set('a', { status: 'CONFIRMED', payment: 'PROCESSED', emailKinds: ['ORDER_CONFIRMED'] });
    const result = checkViews(orders, seen);
    expect(result.detail).toContain('a: view says CONFIRMED, order DELIVERED');
    expect(result.detail).toContain('view lists emails [confirmed], the sink has [confirmed,delivered]');
    seen.views.set('b', undefined);
    expect(checkViews(orders, seen).detail).toContain('b: not in the view');
  });

  it('find stock that appeared or vanished, and a cancelled order still holding some', () => {
    const seen = healthy();
    seen.stockAfter = [{ sku: 'S', available: 9, reserved: 2 }];
    expect(checkStock(orders, seen).detail).toContain('S: available + held was 10, is 11');
    seen.stockAfter = [{ sku: 'S', available: 8, reserved: 2 }];
    seen.orders.set('b', { ...cancelled(), reserved: 1 });
    expect(checkStock(orders, seen).detail).toContain('b is cancelled but holds 1 unit(s)');
  });

  it("find the suite's orders' dead letters, with their errors, and only those", () => {
    const seen = healthy();
    const boom = 'boom (round 3)';
    seen.deadLetters.push(
      { topic: 'g.t.dlq', key: 'a', reason: boom },
      { topic: 'g.t.dlq', key: 'b', reason: boom },
      { topic: 'h.t.dlq', key: 'earlier', reason: 'bad (round 0)' },
      { topic: 'h.t.dlq', key: null, reason: 'keyless (round 0)' },
    );
    expect(checkDeadLetters(orders, seen).detail).toBe(`2 new in g.t.dlq (2× ${boom})`);
    seen.suiteOrders = new Set(['a', 'b', 'earlier']);
    expect(checkDeadLetters(orders, seen).detail).toBe(
      `2 new in g.t.dlq (2× ${boom}); 1 new in h.t.dlq (bad (round 0))`,
    );
  });

  it('list three problems and count the rest', () => {
    const seen = healthy();
    const many = Array.from({ length: 5 }, (_, i) => placed(`x${i}`, 'tok_ok'));
    expect(checkFinalStates(many, seen).detail).toMatch(/; … 2 more$/);
  });
});
