import { useStack } from '@order-platform/testing';
import type { Pool } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPool, PgListener, withTransaction } from '../src';
import { ScratchRole } from './scratch-role';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('PgListener on a real Postgres', () => {
  const stack = useStack();
  let role: ScratchRole;
  let pool: Pool;
  let listener: PgListener;
  let calls: number;

  beforeEach(async () => {
    role = new ScratchRole(stack);
    await role.create();
    pool = createPool({ connectionString: role.databaseUrl, max: 2 });
    calls = 0;
    listener = new PgListener(
      { connectionString: role.databaseUrl },
      { channel: `${role.name}_due`, onNotify: () => (calls += 1), backoffMs: 50 },
    );
  });

  afterEach(async () => {
    await listener.stop();
    await pool.end();
    await role.drop();
  });

  it('calls back once listening, then at each notifying commit and never for a rolled-back one', async () => {
    listener.start();
    await until(() => listener.listening && calls === 1, 'the first callback');

    await withTransaction(pool, async (tx) => {
      await tx.query(`notify ${role.name}_due`);
      await new Promise((r) => setTimeout(r, 200));
      expect(calls, 'not before the commit').toBe(1);
    });
    await until(() => calls === 2, 'the notification at commit');

    await expect(
      withTransaction(pool, async (tx) => {
        await tx.query(`notify ${role.name}_due`);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(2);
  });

  it('listens again after its connection is terminated, and calls back on reconnecting', async () => {
    listener.start();
    await until(() => listener.listening, 'listening');
    const before = calls;
    await pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where usename = $1 and query ilike 'listen%'`,
      [role.name],
    );
    await until(() => calls > before && listener.listening, 'the callback after reconnecting');
    const reconnected = calls;
    await pool.query(`notify ${role.name}_due`);
    await until(() => calls === reconnected + 1, 'a notification on the new connection');
  });

  it('stops for good', async () => {
    listener.start();
    await until(() => listener.listening, 'listening');
    await listener.stop();
    expect(listener.listening).toBe(false);
    const after = calls;
    await pool.query(`notify ${role.name}_due`);
    await new Promise((r) => setTimeout(r, 300));
    expect(calls).toBe(after);
  });
});
