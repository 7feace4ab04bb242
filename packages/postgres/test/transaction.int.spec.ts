import { useStack } from '@order-platform/testing';
import type { Pool } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPool, postgresOutageReason, withTransaction } from '../src';
import { ScratchRole } from './scratch-role';

describe('withTransaction on a real Postgres', () => {
  const stack = useStack();
  let role: ScratchRole;
  let pool: Pool;

  beforeEach(async () => {
    role = new ScratchRole(stack);
    await role.create();
    pool = createPool({ connectionString: role.databaseUrl, max: 2 });
    await pool.query('create table notes (note text not null)');
  });

  afterEach(async () => {
    await pool.end();
    await role.drop();
  });

  const notes = async () =>
    (await pool.query<{ note: string }>('select note from notes')).rows.map((r) => r.note);

  it('commits all of the work or none of it', async () => {
    await withTransaction(pool, async (tx) => {
      await tx.query(`insert into notes values ('kept')`);
    });
    await expect(
      withTransaction(pool, async (tx) => {
        await tx.query(`insert into notes values ('undone')`);
        await tx.query('insert into notes values (null)');
      }),
    ).rejects.toMatchObject({ code: '23502' });
    expect(await notes()).toEqual(['kept']);
  });

  it('destroys a connection Postgres dropped mid-transaction, and the next transaction gets a fresh one', async () => {
    const failure = withTransaction(pool, async (tx) => {
      await tx.query(`insert into notes values ('lost')`);
      const { rows } = await tx.query<{ pid: number }>('select pg_backend_pid() as pid');
      await role.admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
      await tx.query('select 1');
    });
    const error: unknown = await failure.catch((e: unknown) => e);
    expect(postgresOutageReason(error, true)).toBeDefined();
    expect(pool.totalCount).toBe(0);
    await withTransaction(pool, (tx) => tx.query(`insert into notes values ('after')`));
    expect(await notes()).toEqual(['after']);
  });
});
