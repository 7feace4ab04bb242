import { randomUUID } from 'node:crypto';
import { DELIVERED_ORDER_PATH } from '@order-platform/contracts/testing';
import { describe, expect, it } from 'vitest';
import { eventually, until } from '@order-platform/testing';
import { TERMINAL_STATUSES } from '../src/client';
import { emailKind } from './email-kind';
import { useRunningSystem } from './system';

/**
 * Every outcome of an order, through the HTTP APIs only: the basket to place it, the
 * order service to follow it, the provider simulator's charge record and the SMTP sink.
 */
describe('an order, end to end', () => {
  const system = useRunningSystem();
  const client = () => system.client;

  const kinds = async (orderId: string) =>
    (await client().emailsFor(orderId)).map((e) => emailKind(e.subject)).sort();
  /** Waits for the expected emails, then until email has handled everything, so that a duplicate would show. */
  const expectEmails = async (orderId: string, expected: string[]) => {
    await eventually(
      `emails of ${orderId}`,
      until(
        () => kinds(orderId),
        (k) => k.length >= expected.length,
      ),
    );
    await system.settled();
    expect(await kinds(orderId)).toEqual([...expected].sort());
  };

  const place = (sku: string, quantity: number, paymentToken: string) =>
    client().placeOrder({ items: [{ sku, quantity }], paymentToken });

  /** Waits until the order is rejected or gets past validation; expects it rejected for `reason`. */
  const expectRejected = async (placed: Promise<string>, reason: RegExp) => {
    const orderId = await placed;
    const order = await client().waitForStatus(orderId, ['REJECTED', 'VALIDATED', 'CONFIRMED', 'CANCELLED']);
    expect(order.status).toBe('REJECTED');
    expect(order.history.at(-1)?.reason).toMatch(reason);
    return orderId;
  };

  it('is delivered with one charge, one confirmation and one delivery email', async () => {
    const orderId = await place('SKU-TEA-001', 2, 'tok_ok');
    const order = await client().waitForStatus(orderId, TERMINAL_STATUSES);
    expect(order.status, system.output()).toBe('DELIVERED');
    expect(order.history.map((h) => h.to)).toEqual(DELIVERED_ORDER_PATH);
    expect(order.totalMinor).toBe(2 * 1250);
    expect((await client().charges(orderId)).charges).toHaveLength(1);
    await expectEmails(orderId, ['confirmed', 'delivered']);
  });

  it('is cancelled when the card is declined: stock back, one cancellation email, no confirmation', async () => {
    const before = await client().stock('SKU-TRAY-010');
    const orderId = await place('SKU-TRAY-010', 3, 'tok_declined');
    const order = await client().waitForStatus(orderId, TERMINAL_STATUSES);
    expect(order.status).toBe('CANCELLED');
    expect(await client().stock('SKU-TRAY-010')).toBe(before);
    expect((await client().charges(orderId)).charges).toHaveLength(0);
    await expectEmails(orderId, ['cancelled']);
  });

  it('is confirmed after the provider failed twice (tok_flaky), charged once', async () => {
    const orderId = await place('SKU-MUG-002', 1, 'tok_flaky');
    const order = await client().waitForStatus(orderId, [
      'CONFIRMED',
      'DISPATCHED',
      'IN_TRANSIT',
      'DELIVERED',
      'CANCELLED',
    ]);
    expect(order.status).not.toBe('CANCELLED');
    await client().waitForStatus(orderId, ['DELIVERED']);
    expect((await client().charges(orderId)).charges).toHaveLength(1);
  });

  it('is confirmed, charged once, when the provider answered too late the first time (tok_slow)', async () => {
    const orderId = await place('SKU-CUP-004', 1, 'tok_slow');
    await client().waitForStatus(orderId, ['DELIVERED']);
    expect((await client().charges(orderId)).charges).toHaveLength(1);
  });

  it('is rejected over the total limit, and when out of stock, with a rejection email each', async () => {
    const tooBig = await expectRejected(place('SKU-RARE-012', 7, 'tok_ok'), /limit/i);

    await client().setStock('SKU-GRND-006', 1);
    const scarce = await expectRejected(place('SKU-GRND-006', 2, 'tok_ok'), /stock/i);
    expect(await client().stock('SKU-GRND-006')).toBe(1);
    await client().setStock('SKU-GRND-006', 100);

    await expectEmails(tooBig, ['rejected']);
    await expectEmails(scarce, ['rejected']);
  });

  it('places one order for the same Idempotency-Key sent twice', async () => {
    const basketId = await client().createBasket(`customer-${randomUUID().slice(0, 8)}`);
    await client().setItem(basketId, 'SKU-FLTR-009', 4);
    const key = randomUUID();
    const request = { items: [], paymentToken: 'tok_ok' };
    const [first, second] = await Promise.all([
      client().checkout(basketId, request, key),
      client().checkout(basketId, request, key),
    ]);
    expect(second).toBe(first);
    expect(await client().checkout(basketId, request, key)).toBe(first);
    await client().waitForStatus(first, ['DELIVERED']);
    expect((await client().charges(first)).charges).toHaveLength(1);
  });
});
