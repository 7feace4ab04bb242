import { eventually, type ServiceProcess, waitForHttp } from '@order-platform/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { chargeFor, env, providerClient, startProvider } from './provider-process';

describe('payment provider simulator process', () => {
  let running: ServiceProcess | undefined;

  afterEach(async () => {
    await running?.stop('SIGKILL');
    running = undefined;
  });

  it('refuses DELETE /charges without ALLOW_RESET, and keeps its charges', async () => {
    running = startProvider(await env({ ALLOW_RESET: undefined }));
    const api = providerClient(running);
    await waitForHttp(running, '/health/ready');
    const body = chargeFor('tok_ok');
    await api.charge(body.orderId, body);
    const refused = await api.reset();
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: 'reset_disabled',
      reason: expect.stringContaining('ALLOW_RESET=true') as string,
    });
    expect((await api.stats()).charges).toBe(1);
  });

  it('logs JSON and exits 0 on SIGTERM at once, releasing a held slow answer', async () => {
    running = startProvider(await env({ SLOW_DELAY_MS: '60000' }));
    const api = providerClient(running);
    await waitForHttp(running, '/health/ready');
    const body = chargeFor('tok_slow');
    const held = api.charge(body.orderId, body, { timeoutMs: 30_000 });
    await eventually('the slow charge to be attempted', async () =>
      (await api.charges(body.orderId)).attempts.length > 0 ? true : undefined,
    );

    const started = Date.now();
    expect(await running.stop('SIGTERM')).toBe(0);
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await held).status).toBe(201);

    const lines = running.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    const entries = lines.map((l) => JSON.parse(l) as { service?: string; msg?: string });
    expect(entries.some((l) => l.service === 'payment-provider')).toBe(true);
    expect(entries.some((l) => l.msg?.startsWith('charge attempt 1 for order'))).toBe(true);
    expect(running.output()).toContain('received SIGTERM, shutting down');
  });

  it('forgets a key after IDEMPOTENCY_KEY_TTL_MS, and still finds its charge by key', async () => {
    running = startProvider(await env({ IDEMPOTENCY_KEY_TTL_MS: '300' }));
    const api = providerClient(running);
    await waitForHttp(running, '/health/ready');
    const body = chargeFor('tok_ok');
    expect(await api.byKey(body.orderId)).toEqual({
      idempotencyKey: body.orderId,
      charge: null,
      remembered: false,
    });
    const approval = (await (await api.charge(body.orderId, body)).json()) as { chargeId: string };
    expect(await api.byKey(body.orderId)).toMatchObject({
      charge: { id: approval.chargeId, orderId: body.orderId, idempotencyKey: body.orderId },
      remembered: true,
    });
    await eventually('the key to be forgotten', async () =>
      (await api.byKey(body.orderId)).remembered ? undefined : true,
    );

    // Forgotten: the same key charges again, which only the client's own records can prevent.
    const second = await api.charge(body.orderId, body);
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBeNull();
    expect((await api.charges(body.orderId)).charges).toHaveLength(2);
    expect((await api.byKey(body.orderId)).charge?.id).toBe(approval.chargeId);
    expect((await api.charges(body.orderId)).attempts).toHaveLength(2);
  });

  it('refuses to start with a malformed setting, naming it', async () => {
    running = startProvider(await env({ SLOW_DELAY_MS: 'soon', ALLOW_RESET: 'yes', PORT: '70000' }));
    expect(await running.exited).toBe(1);
    const { level, problems } = JSON.parse(running.output().trim()) as { level: string; problems: string[] };
    expect(level).toBe('fatal');
    expect(problems).toEqual([
      expect.stringMatching(/^PORT: .*\(got "70000"\)$/),
      expect.stringMatching(/^SLOW_DELAY_MS: .*\(got "soon"\)$/),
      'ALLOW_RESET: expected true or false (got "yes")',
    ]);
  });
});
