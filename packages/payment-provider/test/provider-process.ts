import { join } from 'node:path';
import { freePort, repoRoot, type ServiceProcess, startProcess, uniqueName } from '@order-platform/testing';
import type { Attempt, Charge } from '../src/domain/charge-ledger';

/** Starts the built simulator (dist/main.js) as its own process, as the devstack supervisor and compose do. */
export function startProvider(env: Record<string, string>): ServiceProcess {
  return startProcess(join(repoRoot(), 'packages/payment-provider/dist/main.js'), env);
}

export interface ChargeBody {
  orderId: string;
  amountMinor: number;
  currency: string;
  token: string;
}

/** A client of the simulator's HTTP API, as a test uses it. */
export function providerClient(provider: ServiceProcess) {
  const json = async <T>(response: Response) => (await response.json()) as T;
  return {
    charge(
      key: string | undefined,
      body: ChargeBody | string,
      init: { timeoutMs?: number; contentType?: string } = {},
    ) {
      return fetch(`${provider.url}/charges`, {
        method: 'POST',
        headers: {
          'content-type': init.contentType ?? 'application/json',
          ...(key === undefined ? {} : { 'idempotency-key': key }),
        },
        body: typeof body === 'string' ? body : JSON.stringify(body),
        signal: AbortSignal.timeout(init.timeoutMs ?? 10_000),
      });
    },
    async charges(orderId?: string) {
      const query = orderId === undefined ? '' : `?orderId=${encodeURIComponent(orderId)}`;
      return json<{ charges: Charge[]; attempts: Attempt[] }>(await fetch(`${provider.url}/charges${query}`));
    },
    async byKey(key: string) {
      const response = await fetch(`${provider.url}/charges/by-key/${encodeURIComponent(key)}`);
      return json<{
        idempotencyKey: string;
        charge: { id: string; orderId: string; idempotencyKey: string } | null;
        remembered: boolean;
      }>(response);
    },
    async stats() {
      return json<{
        charges: number;
        attempts: number;
        orders: number;
        results: Record<string, number>;
        amountMinorByCurrency: Record<string, number>;
        duplicateCharges: number;
        duplicateChargeOrderIds: string[];
      }>(await fetch(`${provider.url}/charges/stats`));
    },
    reset() {
      return fetch(`${provider.url}/charges`, { method: 'DELETE' });
    },
  };
}

/** How long tok_slow holds its first answer in these tests, and how long a client waits. */
export const SLOW_DELAY_MS = 1500;
export const CLIENT_TIMEOUT_MS = 500;

/** A charge request for a new order with `token`. */
export const chargeFor = (token: string, overrides: Partial<ChargeBody> = {}): ChargeBody => ({
  orderId: uniqueName('order'),
  amountMinor: 4250,
  currency: 'EUR',
  token,
  ...overrides,
});

/** The simulator's settings on a free port; an undefined override removes a setting. */
export async function env(
  overrides: Record<string, string | undefined> = {},
): Promise<Record<string, string>> {
  const all: Record<string, string | undefined> = {
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    SLOW_DELAY_MS: String(SLOW_DELAY_MS),
    ALLOW_RESET: 'true',
    ...overrides,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}
