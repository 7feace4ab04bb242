import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DevStack } from '@order-platform/devstack';
import { PlatformClient } from '@order-platform/e2e';
import { repoRoot, runPlatformInit, useStack } from '@order-platform/testing';
import { type ProcessName, processPort } from '@order-platform/topology';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  catalogueFromEnvironment,
  FLOW_SKUS,
  type FaultRow,
  formatTable,
  rowPassed,
  runFault,
  SystemFacts,
} from '../src';

/**
 * The fault-injection suite (pnpm test:faults): the whole system runs under the project's
 * supervisor, and each fault strikes it under its own steady flow of orders. Nothing here
 * restarts a process or heals anything: the supervisor and the system itself must.
 */
const stack = useStack();
const devstack = DevStack.connect();
const url = (name: ProcessName) => `http://127.0.0.1:${processPort(name)}`;
const client = new PlatformClient({
  basket: url('basket'),
  order: url('order'),
  views: url('views'),
  provider: url('payment-provider'),
  mailbox: stack.smtp.webUrl,
});
const admin = new Pool({ connectionString: stack.postgresAdminUrl, max: 4 });
// A connection the held-down Postgres drops must not crash the suite itself.
admin.on('error', () => undefined);
const rows: FaultRow[] = [];
const log = (line: string) => process.stdout.write(`[faults] ${line}\n`);

/** Short shipping steps, so an order's whole life takes seconds; stock admin for the set-up. */
const SERVICE_SETTINGS: Record<string, Record<string, string>> = {
  order: { ALLOW_STOCK_ADMIN: 'true' },
  payment: { PAYMENT_TIMEOUT_MS: '1000' },
  'payment-provider': { SLOW_DELAY_MS: '1500' },
  shipping: {
    SHIPPING_DISPATCH_DELAY_MS: '200',
    SHIPPING_IN_TRANSIT_DELAY_MS: '200',
    SHIPPING_DELIVERY_DELAY_MS: '200',
    SHIPPING_POLL_INTERVAL_MS: '100',
  },
};

describe('the system heals from every fault by itself', () => {
  beforeAll(async () => {
    runPlatformInit(stack);
    await devstack.up();
    await devstack.servicesUp({ env: SERVICE_SETTINGS });
    for (const sku of FLOW_SKUS) await client.setStock(sku, 1_000_000);
  });

  afterAll(async () => {
    const table = formatTable(rows);
    log(`\n${table}\n`);
    const reports = process.env.REPORTS_DIR ?? join(repoRoot(), '.reports');
    mkdirSync(reports, { recursive: true });
    writeFileSync(join(reports, 'faults.md'), `${table}\n`);
    await admin.end();
    await devstack.servicesDown();
  });

  const suiteOrders = new Set<string>();
  for (const fault of catalogueFromEnvironment()) {
    it(fault.name, async () => {
      let row: FaultRow;
      try {
        row = await runFault(
          {
            stack: devstack,
            client,
            facts: new SystemFacts(admin, client),
            brokers: stack.kafkaBrokers,
            ratePerSecond: Number(process.env.FAULTS_RATE ?? 3),
            warmMs: 5_000,
            afterMs: 10_000,
            settleTimeoutMs: Number(process.env.FAULTS_SETTLE_TIMEOUT_MS ?? 240_000),
            suiteOrders,
            log,
          },
          fault,
        );
      } catch (error) {
        row = {
          fault: fault.name,
          accepted: 0,
          refused: 0,
          recoverSeconds: null,
          checks: null,
          error: String(error),
        };
      }
      rows.push(row);
      expect(rowPassed(row), formatTable([row])).toBe(true);
    });
  }
});
