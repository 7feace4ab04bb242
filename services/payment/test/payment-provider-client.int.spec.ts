import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@order-platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChargeRefusedError,
  PaymentProviderClient,
  ProviderUnavailableError,
} from '../src/charge-payment/payment-provider.client';

const request = { orderId: 'order-1', amountMinor: 1999, currency: 'EUR', token: 'tok_ok' };

/**
 * The client's reading of the provider's answers over real HTTP, against a scripted server:
 * what it calls "surely not charged" decides whether the next attempt may charge without
 * asking first, so each answer is checked.
 */
describe('PaymentProviderClient: answers, failures and what they say about a charge', () => {
  let server: Server;
  let url: string;
  let answer: (req: IncomingMessage, res: ServerResponse) => void = () => undefined;

  beforeAll(async () => {
    server = createServer((req, res) => answer(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const client = (overrides: Partial<ConstructorParameters<typeof PaymentProviderClient>[0]> = {}) =>
    new PaymentProviderClient({
      baseUrl: url,
      timeoutMs: 300,
      breakerFailures: 3,
      breakerResetMs: 5000,
      ...overrides,
    });

  const reply = (status: number, body: unknown) => (_: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  async function failureOf(call: Promise<unknown>): Promise<ProviderUnavailableError> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    return error as ProviderUnavailableError;
  }

  it('reads an approval, a decline, and a lookup with or without a charge', async () => {
    const c = client();
    answer = reply(201, { status: 'approved', chargeId: 'ch_1' });
    expect(await c.charge(request, 'order-1')).toEqual({ outcome: 'approved', chargeId: 'ch_1' });
    answer = reply(200, { status: 'declined', reason: 'card_declined' });
    expect(await c.charge(request, 'order-1')).toEqual({ outcome: 'declined', reason: 'card_declined' });
    answer = (req, res) => {
      expect(req.url).toBe('/charges/by-key/order%2F1');
      reply(200, { idempotencyKey: 'order/1', charge: { id: 'ch_9' }, remembered: false })(req, res);
    };
    expect(await c.chargeMadeUnder('order/1')).toBe('ch_9');
    answer = reply(200, { idempotencyKey: 'order-1', charge: null, remembered: true });
    expect(await c.chargeMadeUnder('order-1')).toBeNull();
    c.shutdown();
  });

  it('a 503 or 429 surely did not charge; a 500 or a strange 201 may have', async () => {
    const c = client({ breakerFailures: 100 });
    for (const [status, maybeCharged] of [
      [503, false],
      [429, false],
      [500, true],
      [502, true],
    ] as const) {
      answer = reply(status, { status: 'unavailable' });
      expect((await failureOf(c.charge(request, 'order-1'))).maybeCharged, String(status)).toBe(maybeCharged);
    }
    answer = reply(201, { status: 'odd' });
    expect((await failureOf(c.charge(request, 'order-1'))).maybeCharged).toBe(true);
    c.shutdown();
  });

  it('a timeout may have charged; a refused connection did not', async () => {
    const c = client({ breakerFailures: 100 });
    answer = () => undefined; // never answers
    const timedOut = await failureOf(c.charge(request, 'order-1'));
    expect(timedOut.message).toMatch(/did not answer within 300 ms/);
    expect(timedOut.maybeCharged).toBe(true);

    const closed = client({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    const refused = await failureOf(closed.charge(request, 'order-1'));
    expect(refused.message).toMatch(/cannot be reached/);
    expect(refused.maybeCharged).toBe(false);
    c.shutdown();
    closed.shutdown();
  });

  it("a 4xx is a refusal for good, in the provider's words, and does not count against its health", async () => {
    const c = client({ breakerFailures: 1 });
    answer = reply(422, { error: 'unknown_token', reason: 'unknown payment token "tok_x"' });
    const refusal = await c.charge(request, 'order-1').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ChargeRefusedError);
    expect((refusal as Error).message).toBe(
      'the payment provider refused the charge (422): unknown payment token "tok_x"',
    );
    expect(c.breakerState).toBe('closed');
    c.shutdown();
  });

  it('the open breaker holds calls back (not charged) and says when it lets a trial through', async () => {
    const c = client({ breakerFailures: 2, breakerResetMs: 5000 });
    answer = reply(503, { status: 'unavailable' });
    await failureOf(c.charge(request, 'order-1'));
    await failureOf(c.charge(request, 'order-1'));
    expect(c.breakerState).toBe('open');
    let reached = false;
    answer = (req, res) => {
      reached = true;
      reply(201, { status: 'approved', chargeId: 'ch_1' })(req, res);
    };
    const held = await failureOf(c.chargeMadeUnder('order-1'));
    expect(held.message).toMatch(/circuit breaker is open/);
    expect(held.maybeCharged).toBe(false);
    expect(held.breakerRetryInMs).toBeGreaterThan(4000);
    expect(held.breakerRetryInMs).toBeLessThanOrEqual(5000);
    expect(reached).toBe(false);
    c.shutdown();
  });
});
