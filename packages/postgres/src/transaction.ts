import type { Pool, PoolClient } from 'pg';

/**
 * The platform's one transaction driver: `work` in one Postgres transaction on a pooled
 * connection, committed when it returns, rolled back when it throws (and the error
 * rethrown). Use cases write their state and their outbox rows through it, and the consumer
 * runner its inbox rows, so each commits together or not at all.
 *
 * A connection whose rollback fails too is broken (Postgres went away): it is destroyed,
 * not put back in the pool for the next caller to fail on.
 */
export async function withTransaction<T>(pool: Pool, work: (tx: PoolClient) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  let broken: Error | undefined;
  try {
    await tx.query('begin');
    const result = await work(tx);
    await tx.query('commit');
    return result;
  } catch (error) {
    await tx.query('rollback').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw error;
  } finally {
    tx.release(broken);
  }
}
