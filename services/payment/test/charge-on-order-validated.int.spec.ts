import { randomUUID } from 'node:crypto';
import { type EventOf } from '@order-platform/contracts';
import { deadLetterTopicName, retryTopicName } from '@order-platform/messaging';
import type { ServiceProcess } from '@order-platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ledgerOf,
  readiness,
  startPayment,
  startProvider,
  TopicReader,
  usePaymentWorld,
  waitUntil,
} from './payment-fixture';

type OrderValidated = EventOf<'order.order-validated.v1'>;

const GROUP = 'payment.charge-on-order-validated';
const SOURCE = 'order.order-validated.v1';
/** A short retry ladder: an outage of the provider must outlast it without a dead letter. */
const RETRY_TOPIC_DELAYS_MS = [500, 1000];

describe('payment: charge on OrderValidated (real stack and provider simulator)', () => {
  const world = usePaymentWorld();
  let payment: ServiceProcess;

  beforeAll(async () => {
    payment = await startPayment(world.stack, world.provider.url, {
      PAYMENT_TIMEOUT_MS: '1000',
      PAYMENT_BREAKER_FAILURES: '3',
      PAYMENT_BREAKER_RESET_MS: '2000',
      PAYMENT_RETRY_ATTEMPTS: '1',
      PAYMENT_RETRY_TOPIC_DELAYS_MS: RETRY_TOPIC_DELAYS_MS.join(','),
    });
  });

  afterAll(async () => {
    await payment?.stop();
  });

  const { anOrder, send } = world;

  /** Charges a fresh order paid with `token`: its PaymentProcessed and the provider's ledger of it. */
  const chargeOf = async (token: string) => {
    const order = anOrder(token);
    await send(order);
    const [event] = await world.processed.waitFor(order.aggregateId);
    return { order, event, ledger: await ledgerOf(world.provider, order.aggregateId) };
  };

  it('tok_ok: charges the total once and emits PaymentProcessed carrying the payment', async () => {
    const { order, event, ledger } = await chargeOf('tok_ok');
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.charges[0]).toMatchObject({
      amountMinor: order.totalMinor,
      currency: 'EUR',
      idempotencyKey: order.aggregateId,
    });
    const row = await world.env.payment(order.aggregateId);
    expect(row).toMatchObject({
      status: 'PROCESSED',
      amount_minor: String(order.totalMinor),
      currency: 'EUR',
      provider_reference: ledger.charges[0]?.id,
      attempts: 1,
      version: '1',
    });
    expect(event).toMatchObject({
      eventType: 'PaymentProcessed',
      aggregateId: order.aggregateId,
      sequence: 1,
      correlationId: order.correlationId,
      causationId: order.eventId,
      paymentId: row?.payment_id,
      amountMinor: order.totalMinor,
      currency: 'EUR',
      providerReference: ledger.charges[0]?.id,
    });
    expect(world.failed.of(order.aggregateId)).toEqual([]);
  });

  it('tok_declined: charges nothing and emits PaymentFailed with reason code and reason', async () => {
    const order = anOrder('tok_declined');
    await send(order);

    const [event] = await world.failed.waitFor(order.aggregateId);
    expect(event).toMatchObject({
      eventType: 'PaymentFailed',
      aggregateId: order.aggregateId,
      sequence: 1,
      causationId: order.eventId,
      amountMinor: order.totalMinor,
      currency: 'EUR',
      reasonCode: 'DECLINED',
      reason: 'the payment provider declined the charge: card_declined',
      providerReference: null,
    });
    expect((await ledgerOf(world.provider, order.aggregateId)).charges).toHaveLength(0);
    expect(await world.env.payment(order.aggregateId)).toMatchObject({
      status: 'FAILED',
      failure_reason_code: 'DECLINED',
    });
    expect(world.processed.of(order.aggregateId)).toEqual([]);
  });

  it('tok_flaky: retries through the 503s and charges once', async () => {
    const { ledger } = await chargeOf('tok_flaky');
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.attempts.map((a) => a.result)).toEqual(['unavailable', 'unavailable', 'approved']);
  });

  it('tok_slow: gives up after the timeout, then finds the one charge by its key instead of charging again', async () => {
    const { order, event, ledger } = await chargeOf('tok_slow');
    expect(ledger.charges).toHaveLength(1);
    // The answer never arrived, so the next attempt asked by idempotency key: no second POST.
    expect(ledger.attempts).toHaveLength(1);
    expect(event?.providerReference).toBe(ledger.charges[0]?.id);
    expect(await world.env.payment(order.aggregateId)).toMatchObject({ status: 'PROCESSED', attempts: 2 });
    expect(payment.output()).toContain(
      `order ${order.aggregateId} payment PROCESSED (charge found by its idempotency key)`,
    );
  });

  it('redelivery: the same event twice, then a newer and an older one, charge once and emit one event', async () => {
    const order = anOrder('tok_ok', { sequence: 2 });
    const bytes = await world.env.encode(SOURCE, order);
    await world.env.send(
      SOURCE,
      { key: order.aggregateId, value: bytes },
      { key: order.aggregateId, value: bytes },
    );
    // A re-sent OrderValidated (new event id, newer) finds the payment done; an older one is stale.
    await send(
      { ...order, eventId: randomUUID(), sequence: 3 },
      { ...order, eventId: randomUUID(), sequence: 1 },
    );

    await world.processed.waitFor(order.aggregateId);
    await waitUntil(
      async () => (await world.env.transactions(order.aggregateId)).length === 3,
      'all four messages handled',
      30_000,
    );
    expect(await world.env.transactions(order.aggregateId)).toEqual([
      { outcome: 'stale', sequence: '1' },
      { outcome: 'applied', sequence: '2' },
      { outcome: 'applied', sequence: '3' },
    ]);
    const ledger = await ledgerOf(world.provider, order.aggregateId);
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.attempts).toHaveLength(1);
    await world.env.settled();
    expect(await world.env.outboxCount(order.aggregateId)).toBe(1);
    expect(world.processed.of(order.aggregateId)).toHaveLength(1);
    expect(await world.env.payment(order.aggregateId)).toMatchObject({ status: 'PROCESSED', version: '1' });
  });

  it('fails a token the provider refuses for good, and dead-letters a malformed event, without charging', async () => {
    const unknown = anOrder('tok_nope');
    const malformed = anOrder('tok_ok', { totalMinor: 0, items: [] });
    const dlq = await new TopicReader<OrderValidated>(world.env, deadLetterTopicName(GROUP, SOURCE)).start();
    try {
      await send(unknown, malformed);
      expect((await dlq.waitFor(malformed.aggregateId))[0]?.eventId).toBe(malformed.eventId);
      const [refused] = await world.failed.waitFor(unknown.aggregateId);
      expect(refused).toMatchObject({
        sequence: 1,
        causationId: unknown.eventId,
        reasonCode: 'DECLINED',
        reason: 'the payment provider refused the charge (422): unknown payment token "tok_nope"',
        providerReference: null,
      });
      expect(dlq.of(unknown.aggregateId)).toEqual([]);
    } finally {
      await dlq.stop();
    }
    expect((await ledgerOf(world.provider, unknown.aggregateId)).charges).toHaveLength(0);
    expect(await world.env.payment(unknown.aggregateId)).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect((await ledgerOf(world.provider, malformed.aggregateId)).charges).toHaveLength(0);
    expect(await world.env.payment(malformed.aggregateId)).toBeUndefined();
    expect(await world.env.outboxCount(malformed.aggregateId)).toBe(0);
  });

  it('two instances share the due payments: every order of a burst is charged exactly once', async () => {
    const second = await startPayment(world.stack, world.provider.url, {
      PAYMENT_TIMEOUT_MS: '1000',
      PAYMENT_RETRY_TOPIC_DELAYS_MS: RETRY_TOPIC_DELAYS_MS.join(','),
    });
    try {
      const tokens = ['tok_ok', 'tok_slow', 'tok_flaky', 'tok_declined'];
      const orders = Array.from({ length: 24 }, (_, i) => anOrder(tokens[i % tokens.length]!));
      await send(...orders);
      for (const order of orders) {
        const reader = order.paymentToken === 'tok_declined' ? world.failed : world.processed;
        await reader.waitFor(order.aggregateId, 1, 90_000);
      }
      for (const order of orders) {
        const charged = order.paymentToken === 'tok_declined' ? 0 : 1;
        expect((await ledgerOf(world.provider, order.aggregateId)).charges).toHaveLength(charged);
        expect(await world.env.outboxCount(order.aggregateId)).toBe(1);
      }
      // Both instances charged some: the work was shared, not merely survived.
      const chargedBy = (p: ServiceProcess) => (p.output().match(/payment (PROCESSED|FAILED)/g) ?? []).length;
      expect(chargedBy(second)).toBeGreaterThan(0);
      expect(chargedBy(payment)).toBeGreaterThan(0);
    } finally {
      await second.stop();
    }
  });

  it('rides out a provider outage longer than the retry ladder: payments wait, then each is charged once', async () => {
    const dlq = await new TopicReader<OrderValidated>(world.env, deadLetterTopicName(GROUP, SOURCE)).start();
    const retried = await new TopicReader<OrderValidated>(
      world.env,
      retryTopicName(GROUP, SOURCE, 1),
    ).start();
    await world.provider.stop();
    const orders = [anOrder('tok_ok'), anOrder('tok_ok'), anOrder('tok_ok')];
    const sentAt = Date.now();
    try {
      await send(...orders);
      await waitUntil(
        () => payment.output().includes('circuit breaker opened'),
        'the breaker to open',
        30_000,
      );
      // Every payment tried and failed again and again, while it waits as a due payment.
      await waitUntil(
        async () => {
          for (const order of orders)
            if (Number((await world.env.payment(order.aggregateId))?.attempts ?? 0) < 4) return false;
          return true;
        },
        'four failed attempts of every payment',
        60_000,
      );
      expect(Date.now() - sentAt).toBeGreaterThan(RETRY_TOPIC_DELAYS_MS.reduce((a, b) => a + b));
      for (const order of orders)
        expect(await world.env.payment(order.aggregateId)).toMatchObject({
          status: 'CHARGE_DUE',
          last_error: expect.stringMatching(/cannot be reached|circuit breaker is open/) as string,
        });
      // The service itself is fine: ready, and it says why payments wait.
      const ready = await readiness(payment);
      expect(ready.status).toBe(200);
      expect(['open', 'half-open']).toContain(ready.body.details.paymentProvider?.breaker);
      expect(ready.body.details.paymentProvider?.duePayments).toBeGreaterThanOrEqual(orders.length);
      const metrics = (await (await fetch(`${payment.url}/health/metrics`)).json()) as {
        details: { paymentProvider: { duePayments: number } };
      };
      expect(metrics.details.paymentProvider.duePayments).toBeGreaterThanOrEqual(orders.length);

      world.provider = startProvider(world.providerPort);
      for (const order of orders) await world.processed.waitFor(order.aggregateId, 1, 90_000);
      for (const order of orders) {
        const ledger = await ledgerOf(world.provider, order.aggregateId);
        expect(ledger.charges).toHaveLength(1);
        expect(ledger.attempts).toHaveLength(1);
        expect(await world.env.payment(order.aggregateId)).toMatchObject({
          status: 'PROCESSED',
          version: '1',
        });
        expect(await world.env.transactions(order.aggregateId)).toEqual([
          { outcome: 'applied', sequence: '1' },
        ]);
        expect(dlq.of(order.aggregateId)).toEqual([]);
        expect(retried.of(order.aggregateId)).toEqual([]);
      }
    } finally {
      await Promise.allSettled([dlq.stop(), retried.stop()]);
    }
    expect(payment.output()).toContain('circuit breaker closed');
    expect((await readiness(payment)).body.details.paymentProvider?.breaker).toBe('closed');
  });
});
