import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type ServiceProcess, uniqueName, waitForHttp } from '@order-platform/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { providerClient, startProvider } from './provider-process';

const dir = mkdtempSync(join(tmpdir(), 'provider-ledger-'));

describe('payment provider simulator with LEDGER_FILE', () => {
  let running: ServiceProcess | undefined;

  afterEach(async () => {
    await running?.stop('SIGKILL');
    running = undefined;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function start(file: string): Promise<ReturnType<typeof providerClient>> {
    running = startProvider({
      PORT: String(await freePort()),
      HOST: '127.0.0.1',
      ALLOW_RESET: 'true',
      LEDGER_FILE: file,
    });
    await waitForHttp(running, '/health/ready');
    return providerClient(running);
  }

  it('comes back from SIGKILL knowing its charges, attempts and keys', async () => {
    const file = join(dir, 'ledger.jsonl');
    let api = await start(file);
    const paid = { orderId: uniqueName('order'), amountMinor: 1200, currency: 'EUR', token: 'tok_ok' };
    const flaky = { orderId: uniqueName('order'), amountMinor: 900, currency: 'EUR', token: 'tok_flaky' };
    expect((await api.charge(paid.orderId, paid)).status).toBe(201);
    expect((await api.charge(flaky.orderId, flaky)).status).toBe(503);
    const before = await api.charges();
    await running!.stop('SIGKILL');

    api = await start(file);
    expect(await api.charges()).toEqual(before);
    // The key is still known: the same request is answered from memory, nothing charged again.
    const again = await api.charge(paid.orderId, paid);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    // tok_flaky goes on counting its attempts where it was: one more 503, then approved.
    expect((await api.charge(flaky.orderId, flaky)).status).toBe(503);
    expect((await api.charge(flaky.orderId, flaky)).status).toBe(201);
    expect((await api.stats()).charges).toBe(2);
    expect((await api.stats()).duplicateCharges).toBe(0);
  });

  it('keeps a reset across a restart too', async () => {
    const file = join(dir, 'reset.jsonl');
    let api = await start(file);
    const paid = { orderId: uniqueName('order'), amountMinor: 1200, currency: 'EUR', token: 'tok_ok' };
    await api.charge(paid.orderId, paid);
    expect((await api.reset()).status).toBe(204);
    await running!.stop('SIGKILL');
    api = await start(file);
    expect((await api.stats()).charges).toBe(0);
  });
});
