import { useStack } from '@order-platform/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations, type Migration } from '../src';
import { ScratchRole } from './scratch-role';

const migration = (version: number, sql = `create table t${version} (id int)`): Migration => ({
  version,
  name: `table-${version}`,
  sql,
});

describe('runMigrations', () => {
  const stack = useStack();
  let role: ScratchRole;

  beforeEach(async () => {
    role = new ScratchRole(stack);
    await role.create();
  });

  afterEach(async () => {
    await role.drop();
  });

  it("applies each migration once, in version order, in the role's own schema, remembering it in the ledger", async () => {
    const { databaseUrl } = role;
    const later = migration(2, 'alter table t1 add column note text');
    expect(await runMigrations({ databaseUrl, migrations: [later, migration(1)], ledger: 'ledger' })).toEqual(
      [1, 2],
    );
    expect(await runMigrations({ databaseUrl, migrations: [migration(1), later], ledger: 'ledger' })).toEqual(
      [],
    );
    expect(
      await runMigrations({ databaseUrl, migrations: [migration(1), later, migration(3)], ledger: 'ledger' }),
    ).toEqual([3]);
    expect(await role.tables()).toEqual(['ledger', 't1', 't3']);
    const { rows } = await role.admin.query(`select version, name from ${role.name}.ledger order by version`);
    expect(rows).toEqual([
      { version: 1, name: 'table-1' },
      { version: 2, name: 'table-2' },
      { version: 3, name: 'table-3' },
    ]);
  });

  it('lets several instances start at once: each migration is applied by exactly one of them', async () => {
    const migrations = [1, 2, 3, 4].map((v) => migration(v));
    const runs = await Promise.all(
      [1, 2, 3].map(() => runMigrations({ databaseUrl: role.databaseUrl, migrations, ledger: 'ledger' })),
    );
    expect(runs.flat().sort((a, b) => a - b)).toEqual([1, 2, 3, 4]);
  });

  it('leaves a failing migration undone, with no ledger row, after the ones before it', async () => {
    const migrations = [migration(1), migration(2, 'create table t2 (id int); select * from missing')];
    await expect(
      runMigrations({ databaseUrl: role.databaseUrl, migrations, ledger: 'ledger' }),
    ).rejects.toThrow(/missing/);
    expect(await role.tables()).toEqual(['ledger', 't1']);
    expect(
      await runMigrations({ databaseUrl: role.databaseUrl, migrations: [migration(1)], ledger: 'ledger' }),
    ).toEqual([]);
  });

  it('keeps one ledger per migration set', async () => {
    const { databaseUrl } = role;
    expect(await runMigrations({ databaseUrl, migrations: [migration(1)], ledger: 'first' })).toEqual([1]);
    expect(await runMigrations({ databaseUrl, migrations: [migration(5)], ledger: 'second' })).toEqual([5]);
    expect(await role.tables()).toEqual(['first', 'second', 't1', 't5']);
  });

  it('refuses a ledger name that is not a plain table name', async () => {
    await expect(
      runMigrations({ databaseUrl: role.databaseUrl, migrations: [], ledger: 'x; drop table y' }),
    ).rejects.toThrow(/not a plain table name/);
  });
});
