import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one Postgres transaction on a pooled connection: committed when it
 * returns, rolled back when it throws (and the error rethrown). HTTP use cases write their
 * state and their outbox rows through it, so both commit together or not at all.
 */
export async function withTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('begin');
    const result = await work(tx);
    await tx.query('commit');
    return result;
  } catch (error) {
    await tx.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    tx.release();
  }
}
