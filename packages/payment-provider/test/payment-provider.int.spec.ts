import { type ServiceProcess, uniqueName, waitForHttp } from '@order-platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_TIMEOUT_MS,
  chargeFor,
  env,
  providerClient,
  SLOW_DELAY_MS,
  startProvider,
} from './provider-process';

describe('payment provider simulator over HTTP', () => {
  let provider: ServiceProcess;
  let api: ReturnType<typeof providerClient>;

  beforeAll(async () => {
    provider = startProvider(await env());
    api = providerClient(provider);
    await waitForHttp(provider, '/health/live');
    await waitForHttp(provider, '/health/ready');
  });

  afterAll(async () => {
    await provider.stop('SIGKILL');
  });

  it('tok_ok approves with 201 and a charge; the same key replays the same approval', async () => {
    const body = chargeFor('tok_ok');
    const first = await api.charge(body.orderId, body);
    expect(first.status).toBe(201);
    const approval = (await first.json()) as { status: string; chargeId: string };
    expect(approval).toMatchObject({
      status: 'approved',
      orderId: body.orderId,
      amountMinor: 4250,
      currency: 'EUR',
    });
    expect(approval.chargeId).toMatch(/^ch_/);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const again = await api.charge(body.orderId, body);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(approval);

    const { charges, attempts } = await api.charges(body.orderId);
    expect(charges).toEqual([
      expect.objectContaining({
        id: approval.chargeId,
        orderId: body.orderId,
        amountMinor: 4250,
        currency: 'EUR',
        idempotencyKey: body.orderId,
      }),
    ]);
    expect(attempts.map((a) => [a.attempt, a.result])).toEqual([
      [1, 'approved'],
      [2, 'replayed'],
    ]);
  });

  it('tok_declined answers 200 declined with a reason, and charges nothing', async () => {
    const body = chargeFor('tok_declined');
    for (const replayed of [null, 'true']) {
      const response = await api.charge(body.orderId, body);
      expect(response.status).toBe(200);
      expect(response.headers.get('idempotent-replayed')).toBe(replayed);
      expect(await response.json()).toEqual({
        status: 'declined',
        reason: 'card_declined',
        orderId: body.orderId,
        amountMinor: 4250,
        currency: 'EUR',
      });
    }
    expect((await api.charges(body.orderId)).charges).toEqual([]);
  });

  it('tok_flaky answers 503 twice, then approves, with one charge', async () => {
    const body = chargeFor('tok_flaky');
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await api.charge(body.orderId, body)).status);
    expect(statuses).toEqual([503, 503, 201, 201]);
    const { charges, attempts } = await api.charges(body.orderId);
    expect(charges).toHaveLength(1);
    expect(attempts.map((a) => a.result)).toEqual(['unavailable', 'unavailable', 'approved', 'replayed']);
  });

  it('answers 503 with the provider_unavailable reason', async () => {
    const body = chargeFor('tok_flaky');
    const response = await api.charge(body.orderId, body);
    expect(await response.json()).toEqual({ status: 'unavailable', reason: 'provider_unavailable' });
  });

  it('tok_slow outlasts the client timeout once; the retry is approved promptly with the same charge', async () => {
    const body = chargeFor('tok_slow');
    await expect(api.charge(body.orderId, body, { timeoutMs: CLIENT_TIMEOUT_MS })).rejects.toThrow(
      /timeout|aborted/i,
    );

    const started = Date.now();
    const retry = await api.charge(body.orderId, body, { timeoutMs: CLIENT_TIMEOUT_MS });
    expect(Date.now() - started).toBeLessThan(CLIENT_TIMEOUT_MS);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const { charges, attempts } = await api.charges(body.orderId);
    expect(charges).toHaveLength(1);
    expect(((await retry.json()) as { chargeId: string }).chargeId).toBe(charges[0]!.id);
    expect(attempts.map((a) => a.result)).toEqual(['approved', 'replayed']);
  });

  it('tok_slow holds the first answer for SLOW_DELAY_MS', async () => {
    const body = chargeFor('tok_slow');
    const started = Date.now();
    const response = await api.charge(body.orderId, body);
    expect(response.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_DELAY_MS - 50);
  });

  it.each([
    [
      'no Idempotency-Key',
      undefined,
      chargeFor('tok_ok'),
      'application/json',
      'missing_idempotency_key',
      /Idempotency-Key header is required/,
    ],
    ['malformed JSON', 'k', '{"orderId": "o-1", ', 'application/json', 'malformed_json', /not valid JSON/],
    ['a body that is not JSON', 'k', 'orderId=o-1', 'text/plain', 'invalid_request', /must be a JSON object/],
    [
      'missing fields',
      'k',
      JSON.stringify({ orderId: 'o-1' }),
      'application/json',
      'invalid_request',
      /amountMinor.*currency.*token/,
    ],
    [
      'a zero amount',
      'k',
      chargeFor('tok_ok', { amountMinor: 0 }),
      'application/json',
      'invalid_request',
      /amountMinor/,
    ],
    [
      'a fractional amount',
      'k',
      chargeFor('tok_ok', { amountMinor: 42.5 }),
      'application/json',
      'invalid_request',
      /amountMinor/,
    ],
    [
      'a currency that is not ISO 4217',
      'k',
      chargeFor('tok_ok', { currency: 'eur' }),
      'application/json',
      'invalid_request',
      /currency/,
    ],
  ])('answers 400 for %s, naming the problem', async (_, key, body, contentType, error, reason) => {
    const idempotencyKey = key && uniqueName(key);
    const response = await api.charge(idempotencyKey, body, { contentType });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { error: string; reason: string };
    expect(problem.error).toBe(error);
    expect(problem.reason).toMatch(reason);
    if (typeof body !== 'string')
      expect(await api.charges(body.orderId)).toEqual({ charges: [], attempts: [] });
  });

  it('answers 400 for a repeated orderId query parameter', async () => {
    const response = await fetch(`${provider.url}/charges?orderId=a&orderId=b`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', reason: 'give orderId at most once' });
  });

  it('answers 422 for an unknown token, and records nothing', async () => {
    const body = chargeFor('tok_stolen');
    const response = await api.charge(body.orderId, body);
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      error: 'unknown_token',
      reason: 'unknown payment token "tok_stolen"',
    });
    expect(await api.charges(body.orderId)).toEqual({ charges: [], attempts: [] });
  });

  it('answers 409 for the same key with a different body, and charges nothing more', async () => {
    const body = chargeFor('tok_ok');
    expect((await api.charge(body.orderId, body)).status).toBe(201);
    const conflict = await api.charge(body.orderId, { ...body, amountMinor: body.amountMinor + 1 });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ error: 'idempotency_key_reused' });
    expect((await api.charges(body.orderId)).charges).toHaveLength(1);
  });

  it.each(['tok_ok', 'tok_flaky', 'tok_slow'])(
    'charges once for 10 parallel requests with one key (%s)',
    async (token) => {
      const body = chargeFor(token);
      const responses = await Promise.all(Array.from({ length: 10 }, () => api.charge(body.orderId, body)));
      const approved = responses.filter((r) => r.status === 201);
      const ids = new Set(
        await Promise.all(approved.map(async (r) => ((await r.json()) as { chargeId: string }).chargeId)),
      );
      expect(ids.size).toBe(1);
      expect(approved).toHaveLength(token === 'tok_flaky' ? 8 : 10);
      expect(approved.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(
        approved.length - 1,
      );
      expect((await api.charges(body.orderId)).charges).toHaveLength(1);
    },
  );

  it('counts an order charged under two keys as a duplicate charge in the stats', async () => {
    const before = await api.stats();
    expect(before.duplicateCharges).toBe(0);
    const body = chargeFor('tok_ok', { currency: 'SEK', amountMinor: 100 });
    for (const key of [uniqueName('first'), uniqueName('second')])
      expect((await api.charge(key, body)).status).toBe(201);
    const after = await api.stats();
    expect(after.duplicateCharges).toBe(1);
    expect(after.duplicateChargeOrderIds).toEqual([body.orderId]);
    expect(after.charges).toBe(before.charges + 2);
    expect(after.amountMinorByCurrency.SEK).toBe((before.amountMinorByCurrency.SEK ?? 0) + 200);
  });

  it('resets the ledger on DELETE /charges when ALLOW_RESET=true', async () => {
    const body = chargeFor('tok_ok');
    await api.charge(body.orderId, body);
    expect((await api.reset()).status).toBe(204);
    expect(await api.stats()).toMatchObject({ charges: 0, attempts: 0, orders: 0, duplicateCharges: 0 });
    expect(await api.charges()).toEqual({ charges: [], attempts: [] });
    // The key is forgotten too: the same request charges afresh.
    const again = await api.charge(body.orderId, body);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });
});
