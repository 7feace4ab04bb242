import { eventually, until } from '@order-platform/testing';
import { describe, expect, it } from 'vitest';
import { emailKind } from './email-kind';
import { useRunningSystem } from './system';

const FINAL = ['DELIVERED', 'REJECTED', 'CANCELLED'];

/**
 * Orders racing for the last units, services scaled out to two instances, and a service
 * crashing mid-flow: the same outcomes, nothing oversold, charged or mailed twice.
 */
describe('the system under concurrency, scale-out and crashes', () => {
  const system = useRunningSystem();
  const client = () => system.client;

  it('confirms exactly five of twenty orders racing for five units', async () => {
    await client().setStock('SKU-LTD-011', 5);
    const orderIds = await Promise.all(
      Array.from({ length: 20 }, () =>
        client().placeOrder({ items: [{ sku: 'SKU-LTD-011', quantity: 1 }], paymentToken: 'tok_ok' }),
      ),
    );
    const orders = await Promise.all(orderIds.map((id) => client().waitForStatus(id, FINAL, 120_000)));
    const statuses = orders.map((o) => o.status);
    expect(
      statuses.filter((s) => s === 'DELIVERED'),
      system.output(),
    ).toHaveLength(5);
    expect(statuses.filter((s) => s === 'REJECTED')).toHaveLength(15);
    expect(await client().stock('SKU-LTD-011')).toBe(0);
  });

  it('gives the same results with two instances each of order and payment, and survives a crash of each', async () => {
    await system.startInstance('order');
    await system.startInstance('payment');
    const tokens = ['tok_ok', 'tok_declined', 'tok_flaky', 'tok_ok', 'tok_slow', 'tok_ok'];
    const placed = await Promise.all(
      Array.from({ length: 18 }, (_, i) =>
        client().placeOrder({
          items: [{ sku: 'SKU-BEAN-005', quantity: 1 }],
          paymentToken: tokens[i % tokens.length]!,
        }),
      ),
    );
    // Crash one instance of each, mid-flow, and bring it back.
    await system.crashAndRestart('order');
    await system.crashAndRestart('payment');
    await system.crashAndRestart('shipping');
    const orders = await Promise.all(placed.map((id) => client().waitForStatus(id, FINAL, 180_000)));
    orders.forEach((order, i) => {
      const token = tokens[i % tokens.length];
      expect(order.status, `${order.orderId} with ${token}`).toBe(
        token === 'tok_declined' ? 'CANCELLED' : 'DELIVERED',
      );
    });

    const stats = await client().chargeStats();
    expect(stats.duplicateCharges).toBe(0);
    for (const order of orders) {
      expect((await client().charges(order.orderId)).charges).toHaveLength(
        order.status === 'DELIVERED' ? 1 : 0,
      );
    }
    const expectedEmails = (status: string) =>
      status === 'DELIVERED' ? ['confirmed', 'delivered'] : ['cancelled'];
    const kindsOf = async (orderId: string) =>
      (await client().emailsFor(orderId)).map((e) => emailKind(e.subject)).sort();
    // The last events of an order may still be on their way through CDC: wait for its emails,
    // then until email has handled everything, so that a duplicate would show.
    for (const order of orders) {
      await eventually(
        `the emails of ${order.orderId}`,
        until(
          () => kindsOf(order.orderId),
          (kinds) => kinds.length >= expectedEmails(order.status).length,
        ),
      );
    }
    await system.settled();
    for (const order of orders) {
      expect(await kindsOf(order.orderId), order.orderId).toEqual(expectedEmails(order.status));
    }
  });
});
