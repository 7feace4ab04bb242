import { createPool } from './pool';
import { withTransaction } from './transaction';

export interface Migration {
  /** Strictly increasing; the ledger remembers which versions ran. */
  version: number;
  name: string;
  sql: string;
}

export interface RunMigrationsOptions {
  databaseUrl: string;
  migrations: readonly Migration[];
  /** The ledger table, in the role's own schema; one per migration set. */
  ledger: string;
}

/**
 * The project's one migration tool: versioned SQL applied in order, each migration in its
 * own transaction together with its ledger row, in the connecting role's own schema (its
 * search_path). A transaction-level advisory lock keyed by schema and ledger lets several
 * instances start at once: the second waits, then finds nothing to do. Returns the versions
 * it applied.
 */
export async function runMigrations({
  databaseUrl,
  migrations,
  ledger,
}: RunMigrationsOptions): Promise<number[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(ledger)) throw new Error(`not a plain table name: "${ledger}"`);
  // One connection, with no statement timeout: a migration may rewrite a big table; the
  // lock timeout still applies.
  const pool = createPool({
    connectionString: databaseUrl,
    applicationName: 'migrations',
    statementTimeoutMs: 0,
    max: 1,
  });
  const applied: number[] = [];
  try {
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      const ran = await withTransaction(pool, async (tx) => {
        await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || '.${ledger}'))`);
        await tx.query(
          `create table if not exists ${ledger} (version integer primary key, name text not null, applied_at timestamptz not null default now())`,
        );
        const { rowCount } = await tx.query(`select 1 from ${ledger} where version = $1`, [
          migration.version,
        ]);
        if (rowCount !== 0) return false;
        await tx.query(migration.sql);
        await tx.query(`insert into ${ledger} (version, name) values ($1, $2)`, [
          migration.version,
          migration.name,
        ]);
        return true;
      });
      if (ran) applied.push(migration.version);
    }
  } finally {
    await pool.end();
  }
  return applied;
}
