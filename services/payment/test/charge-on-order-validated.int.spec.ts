import { randomUUID } from 'node:crypto';
import { type EventOf } from '@order-platform/contracts';
import { deadLetterTopicName, retryTopicName } from '@order-platform/messaging';
import { freePort, runPlatformInit, type ServiceProcess, useStack } from '@order-platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ledgerOf,
  PaymentTestEnv,
  readiness,
  startPayment,
  startProvider,
  TopicReader,
  waitUntil,
} from './payment-fixture';

type OrderValidated = EventOf<'order.order-validated.v1'>;
type PaymentProcessed = EventOf<'payment.payment-processed.v1'>;
type PaymentFailed = EventOf<'payment.payment-failed.v1'>;

const GROUP = 'payment.charge-on-order-validated';
const SOURCE = 'order.order-validated.v1';
/** A short retry ladder: an outage of the provider must outlast it without a dead letter. */
const RETRY_TOPIC_DELAYS_MS = [500, 1000];

describe('payment: charge on OrderValidated (real stack and provider simulator)', () => {
  const stack = useStack();
  let env: PaymentTestEnv;
  let providerPort: number;
  let provider: ServiceProcess;
  let payment: ServiceProcess;
  let processed: TopicReader<PaymentProcessed>;
  let failed: TopicReader<PaymentFailed>;

  beforeAll(async () => {
    runPlatformInit(stack);
    env = new PaymentTestEnv(stack);
    providerPort = await freePort();
    provider = startProvider(providerPort);
    payment = await startPayment(stack, provider.url, {
      PAYMENT_TIMEOUT_MS: '1000',
      PAYMENT_BREAKER_FAILURES: '3',
      PAYMENT_BREAKER_RESET_MS: '2000',
      PAYMENT_RETRY_ATTEMPTS: '1',
      PAYMENT_RETRY_TOPIC_DELAYS_MS: RETRY_TOPIC_DELAYS_MS.join(','),
    });
    processed = await new TopicReader<PaymentProcessed>(env, 'payment.payment-processed.v1').start();
    failed = await new TopicReader<PaymentFailed>(env, 'payment.payment-failed.v1').start();
  });

  afterAll(async () => {
    await Promise.allSettled([processed?.stop(), failed?.stop()]);
    await payment?.stop();
    await provider?.stop();
    await env?.close();
  });

  const anOrder = (token: string, overrides: Partial<OrderValidated> = {}) => env.anOrder(token, overrides);
  const send = (...events: OrderValidated[]) => env.sendValidated(...events);

  it('tok_ok: charges the total once and emits PaymentProcessed carrying the payment', async () => {
    const order = anOrder('tok_ok');
    await send(order);

    const [event] = await processed.waitFor(order.aggregateId);
    const ledger = await ledgerOf(provider, order.aggregateId);
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.charges[0]).toMatchObject({
      amountMinor: order.totalMinor,
      currency: 'EUR',
      idempotencyKey: order.aggregateId,
    });
    const row = await env.payment(order.aggregateId);
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
    expect(failed.of(order.aggregateId)).toEqual([]);
  });

  it('tok_declined: charges nothing and emits PaymentFailed with reason code and reason', async () => {
    const order = anOrder('tok_declined');
    await send(order);

    const [event] = await failed.waitFor(order.aggregateId);
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
    expect((await ledgerOf(provider, order.aggregateId)).charges).toHaveLength(0);
    expect(await env.payment(order.aggregateId)).toMatchObject({
      status: 'FAILED',
      failure_reason_code: 'DECLINED',
    });
    expect(processed.of(order.aggregateId)).toEqual([]);
  });

  it('tok_flaky: retries through the 503s and charges once', async () => {
    const order = anOrder('tok_flaky');
    await send(order);

    await processed.waitFor(order.aggregateId);
    const ledger = await ledgerOf(provider, order.aggregateId);
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.attempts.map((a) => a.result)).toEqual(['unavailable', 'unavailable', 'approved']);
  });

  it('tok_slow: gives up after the timeout, then finds the one charge by its key instead of charging again', async () => {
    const order = anOrder('tok_slow');
    await send(order);

    const [event] = await processed.waitFor(order.aggregateId);
    const ledger = await ledgerOf(provider, order.aggregateId);
    expect(ledger.charges).toHaveLength(1);
    // The answer never arrived, so the next attempt asked by idempotency key: no second POST.
    expect(ledger.attempts).toHaveLength(1);
    expect(event?.providerReference).toBe(ledger.charges[0]?.id);
    expect(await env.payment(order.aggregateId)).toMatchObject({ status: 'PROCESSED', attempts: 2 });
    expect(payment.output()).toContain(
      `order ${order.aggregateId} payment PROCESSED (charge found by its idempotency key)`,
    );
  });

  it('redelivery: the same event twice, then a newer and an older one, charge once and emit one event', async () => {
    const order = anOrder('tok_ok', { sequence: 2 });
    const bytes = await env.encode(SOURCE, order);
    await env.send(
      SOURCE,
      { key: order.aggregateId, value: bytes },
      { key: order.aggregateId, value: bytes },
    );
    // A re-sent OrderValidated (new event id, newer) finds the payment done; an older one is stale.
    await send(
      { ...order, eventId: randomUUID(), sequence: 3 },
      { ...order, eventId: randomUUID(), sequence: 1 },
    );

    await processed.waitFor(order.aggregateId);
    await waitUntil(
      async () => (await env.transactions(order.aggregateId)).length === 3,
      'all four messages handled',
      30_000,
    );
    expect(await env.transactions(order.aggregateId)).toEqual([
      { outcome: 'stale', sequence: '1' },
      { outcome: 'applied', sequence: '2' },
      { outcome: 'applied', sequence: '3' },
    ]);
    const ledger = await ledgerOf(provider, order.aggregateId);
    expect(ledger.charges).toHaveLength(1);
    expect(ledger.attempts).toHaveLength(1);
    await env.settled();
    expect(await env.outboxCount(order.aggregateId)).toBe(1);
    expect(processed.of(order.aggregateId)).toHaveLength(1);
    expect(await env.payment(order.aggregateId)).toMatchObject({ status: 'PROCESSED', version: '1' });
  });

  it('fails a token the provider refuses for good, and dead-letters a malformed event, without charging', async () => {
    const unknown = anOrder('tok_nope');
    const malformed = anOrder('tok_ok', { totalMinor: 0, items: [] });
    const dlq = await new TopicReader<OrderValidated>(env, deadLetterTopicName(GROUP, SOURCE)).start();
    try {
      await send(unknown, malformed);
      expect((await dlq.waitFor(malformed.aggregateId))[0]?.eventId).toBe(malformed.eventId);
      const [refused] = await failed.waitFor(unknown.aggregateId);
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
    expect((await ledgerOf(provider, unknown.aggregateId)).charges).toHaveLength(0);
    expect(await env.payment(unknown.aggregateId)).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect((await ledgerOf(provider, malformed.aggregateId)).charges).toHaveLength(0);
    expect(await env.payment(malformed.aggregateId)).toBeUndefined();
    expect(await env.outboxCount(malformed.aggregateId)).toBe(0);
  });

  it('two instances share the due payments: every order of a burst is charged exactly once', async () => {
    const second = await startPayment(stack, provider.url, {
      PAYMENT_TIMEOUT_MS: '1000',
      PAYMENT_RETRY_TOPIC_DELAYS_MS: RETRY_TOPIC_DELAYS_MS.join(','),
    });
    try {
      const tokens = ['tok_ok', 'tok_slow', 'tok_flaky', 'tok_declined'];
      const orders = Array.from({ length: 24 }, (_, i) => anOrder(tokens[i % tokens.length]!));
      await send(...orders);
      for (const order of orders) {
        const reader = order.paymentToken === 'tok_declined' ? failed : processed;
        await reader.waitFor(order.aggregateId, 1, 90_000);
      }
      for (const order of orders) {
        const charged = order.paymentToken === 'tok_declined' ? 0 : 1;
        expect((await ledgerOf(provider, order.aggregateId)).charges).toHaveLength(charged);
        expect(await env.outboxCount(order.aggregateId)).toBe(1);
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
    const dlq = await new TopicReader<OrderValidated>(env, deadLetterTopicName(GROUP, SOURCE)).start();
    const retried = await new TopicReader<OrderValidated>(env, retryTopicName(GROUP, SOURCE, 1)).start();
    await provider.stop();
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
            if (Number((await env.payment(order.aggregateId))?.attempts ?? 0) < 4) return false;
          return true;
        },
        'four failed attempts of every payment',
        60_000,
      );
      expect(Date.now() - sentAt).toBeGreaterThan(RETRY_TOPIC_DELAYS_MS.reduce((a, b) => a + b));
      for (const order of orders)
        expect(await env.payment(order.aggregateId)).toMatchObject({
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

      provider = startProvider(providerPort);
      for (const order of orders) await processed.waitFor(order.aggregateId, 1, 90_000);
      for (const order of orders) {
        const ledger = await ledgerOf(provider, order.aggregateId);
        expect(ledger.charges).toHaveLength(1);
        expect(ledger.attempts).toHaveLength(1);
        expect(await env.payment(order.aggregateId)).toMatchObject({ status: 'PROCESSED', version: '1' });
        expect(await env.transactions(order.aggregateId)).toEqual([{ outcome: 'applied', sequence: '1' }]);
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
