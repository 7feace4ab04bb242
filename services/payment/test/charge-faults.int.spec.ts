import { randomUUID } from 'node:crypto';
import type { ServiceProcess } from '@order-platform/testing';
import { afterAll, describe, expect, it } from 'vitest';
import {
  keyRemembered,
  ledgerOf,
  readiness,
  startPayment,
  usePaymentWorld,
  waitUntil,
} from './payment-fixture';

const SOURCE = 'order.order-validated.v1';
/** The deadline of the instance that outlives the crash: shorter than one slow call. */
const DEADLINE_MS = 3000;

/**
 * The faults between the intent and the outcome, one provider process throughout (it
 * holds tok_slow's answer for 8 s and forgets keys after 1 s): a payment instance killed
 * while its call is in flight, an answer that comes after the deadline, a duplicated
 * OrderValidated long after the provider forgot the key, and the provider gone past the
 * deadline.
 */
describe('payment: crash, key expiry and deadline between intent and outcome (real stack)', () => {
  const world = usePaymentWorld({ SLOW_DELAY_MS: '8000', IDEMPOTENCY_KEY_TTL_MS: '1000' });
  let payment: ServiceProcess | undefined;

  afterAll(async () => {
    await payment?.stop();
  });
  const { anOrder, send } = world;

  it('SIGKILL while the provider holds the answer: the successor finds the charge by key, one charge', async () => {
    // A long timeout keeps the call in flight until the kill; the lease must outlast two calls.
    const victim = await startPayment(world.stack, world.provider.url, {
      PAYMENT_TIMEOUT_MS: '5000',
      PAYMENT_LEASE_MS: '11000',
    });
    const order = anOrder('tok_slow');
    await send(order);
    await waitUntil(
      async () => (await ledgerOf(world.provider, order.aggregateId)).charges.length === 1,
      'the provider to charge (its answer held for 8 s)',
      60_000,
    );
    expect(await victim.stop('SIGKILL')).toBe('SIGKILL');
    expect(await world.env.payment(order.aggregateId)).toMatchObject({
      status: 'CHARGE_DUE',
      attempts: 1,
      call_started_at: expect.any(Date) as Date,
    });

    payment = await startPayment(
      world.stack,
      world.provider.url,
      { PAYMENT_TIMEOUT_MS: '4500', PAYMENT_LEASE_MS: '10000', PAYMENT_DEADLINE_MS: String(DEADLINE_MS) },
      'live',
    );
    const [event] = await world.processed.waitFor(order.aggregateId, 1, 60_000);
    const ledger = await ledgerOf(world.provider, order.aggregateId);
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.attempts).toHaveLength(1);
    expect(event).toMatchObject({ sequence: 1, causationId: order.eventId });
    expect(event?.providerReference).toBe(ledger.charges[0]?.id);
    expect(await world.env.payment(order.aggregateId)).toMatchObject({
      status: 'PROCESSED',
      attempts: 2,
      version: '1',
      call_started_at: null,
    });
    expect(payment.output()).toContain(
      `order ${order.aggregateId} payment PROCESSED (charge found by its idempotency key)`,
    );
    await waitUntilConsuming();
  });

  it('a call that timed out past the deadline is settled by lookup first: charged, so processed', async () => {
    const order = anOrder('tok_slow');
    await send(order);

    const [event] = await world.processed.waitFor(order.aggregateId, 1, 60_000);
    expect(event!.occurredAt - order.occurredAt).toBeGreaterThan(DEADLINE_MS);
    const ledger = await ledgerOf(world.provider, order.aggregateId);
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.attempts).toHaveLength(1);
    expect(event?.providerReference).toBe(ledger.charges[0]?.id);
    expect(world.failed.of(order.aggregateId)).toEqual([]);
  });

  it('a duplicated OrderValidated long after the provider forgot the key charges nothing more', async () => {
    const order = anOrder('tok_ok');
    const bytes = await world.env.encode(SOURCE, order);
    await world.env.send(SOURCE, { key: order.aggregateId, value: bytes });
    await world.processed.waitFor(order.aggregateId, 1, 60_000);
    await waitUntil(
      async () => !(await keyRemembered(world.provider, order.aggregateId)),
      'the key to expire',
      30_000,
    );

    // The same message again (a redelivery), then the same order re-sent as a newer event.
    const resent = { ...order, eventId: randomUUID(), sequence: order.sequence + 1 };
    await world.env.send(SOURCE, { key: order.aggregateId, value: bytes });
    await send(resent);
    await waitUntil(
      async () => (await world.env.transactions(order.aggregateId)).length === 2,
      'both OrderValidated handled',
      60_000,
    );

    const ledger = await ledgerOf(world.provider, order.aggregateId);
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.attempts).toHaveLength(1);
    expect(await world.env.outboxCount(order.aggregateId)).toBe(1);
    expect(await world.env.payment(order.aggregateId)).toMatchObject({ status: 'PROCESSED', version: '1' });
    expect(payment!.output()).toContain(`order ${order.aggregateId} already has its payment (PROCESSED)`);

    // The control: the provider itself would have charged again; only the payment row prevented it.
    const again = await fetch(`${world.provider.url}/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': order.aggregateId },
      body: JSON.stringify({
        orderId: order.aggregateId,
        amountMinor: order.totalMinor,
        currency: order.currency,
        token: 'tok_ok',
      }),
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });

  it('the provider away past the deadline: PaymentFailed with PROVIDER_ERROR and a deadline reason', async () => {
    await world.provider.stop();
    const order = anOrder('tok_ok');
    await send(order);

    const [event] = await world.failed.waitFor(order.aggregateId, 1, 60_000);
    expect(event!.occurredAt - order.occurredAt).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect(event).toMatchObject({
      sequence: 1,
      causationId: order.eventId,
      amountMinor: order.totalMinor,
      reasonCode: 'PROVIDER_ERROR',
      reason: `deadline: the payment provider did not charge the order within ${DEADLINE_MS} ms of its validation`,
      providerReference: null,
    });
    const row = await world.env.payment(order.aggregateId);
    expect(row).toMatchObject({
      status: 'FAILED',
      failure_reason_code: 'PROVIDER_ERROR',
      version: '1',
      last_error: expect.stringMatching(/cannot be reached|circuit breaker is open/) as string,
    });
    expect(Number(row?.attempts)).toBeGreaterThanOrEqual(2);
    expect(world.processed.of(order.aggregateId)).toEqual([]);
    // Down provider, fine service: still ready.
    expect((await readiness(payment!)).status).toBe(200);
  });

  /**
   * The successor's consumer joins only once Kafka has given up on the killed member (its
   * session timeout): until then OrderValidated waits in the topic. A probe order tells
   * when it is consumed again, so the deadlines below count from a consuming instance.
   */
  async function waitUntilConsuming(): Promise<void> {
    const probe = anOrder('tok_ok');
    await send(probe);
    await waitUntil(
      async () => (await world.env.payment(probe.aggregateId)) !== undefined,
      'a probe order consumed',
      90_000,
    );
  }
});
