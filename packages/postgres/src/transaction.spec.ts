import type { Pool, PoolClient } from 'pg';
import { describe, expect, it } from 'vitest';
import { withTransaction } from './transaction';

/** A pool of one connection that records its statements and how it was released. */
function fakePool(failing: { rollback?: Error } = {}) {
  const statements: string[] = [];
  const released: (Error | boolean | undefined)[] = [];
  const client = {
    query: (sql: string) => {
      statements.push(sql);
      if (sql === 'rollback' && failing.rollback) return Promise.reject(failing.rollback);
      return Promise.resolve({ rows: [], rowCount: 0 });
    },
    release: (error?: Error | boolean) => void released.push(error),
  };
  const pool = { connect: () => Promise.resolve(client as unknown as PoolClient) } as unknown as Pool;
  return { pool, statements, released };
}

describe('withTransaction', () => {
  it('commits what the work returns and puts the connection back', async () => {
    const { pool, statements, released } = fakePool();
    const result = await withTransaction(pool, async (tx) => {
      await tx.query('insert');
      return 42;
    });
    expect(result).toBe(42);
    expect(statements).toEqual(['begin', 'insert', 'commit']);
    expect(released).toEqual([undefined]);
  });

  it("rolls back when the work throws, rethrows the work's error and puts the connection back", async () => {
    const { pool, statements, released } = fakePool();
    const failure = new Error('rule broken');
    await expect(withTransaction(pool, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(statements).toEqual(['begin', 'rollback']);
    expect(released).toEqual([undefined]);
  });

  it('destroys a connection whose rollback fails too, still rethrowing the first error', async () => {
    const gone = new Error('Connection terminated unexpectedly');
    const { pool, released } = fakePool({ rollback: gone });
    const failure = new Error('Connection terminated unexpectedly (in the work)');
    await expect(withTransaction(pool, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(released).toEqual([gone]);
  });
});
