import { createClient } from '../postgres/pool';

/**
 * The messaging tables, as versioned SQL applied in order by runMigrations below.
 * Names are unqualified: they land in the connecting role's own schema (each service role
 * has search_path = its schema), so one list serves all five services.
 *
 * message_transactions (the inbox): one row per message a consumer group handled.
 *   (consumer_group, message_id) is the primary key, so a redelivered message is found
 *   and skipped; the group is part of the key because two groups of one service may read
 *   the same topic and each must handle the message once.
 * message_aggregate_positions: per (group, topic, aggregate) the sequence and dispatch
 *   time of the last message applied, against which a late message is found stale.
 */
export const MESSAGING_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'transactions-and-positions',
    sql: `
      create table message_transactions (
        consumer_group text        not null,
        message_id     uuid        not null,
        topic          text        not null,
        partition      integer     not null,
        "offset"       bigint      not null,
        aggregate_id   text        not null,
        sequence       bigint      not null,
        occurred_at    timestamptz not null,
        outcome        text        not null check (outcome in ('applied', 'stale')),
        processed_at   timestamptz not null default now(),
        primary key (consumer_group, message_id)
      );
      create index message_transactions_watermark on message_transactions (consumer_group, topic, partition, "offset");
      create table message_aggregate_positions (
        consumer_group text        not null,
        topic          text        not null,
        aggregate_id   text        not null,
        sequence       bigint      not null,
        occurred_at    timestamptz not null,
        message_id     uuid        not null,
        updated_at     timestamptz not null default now(),
        primary key (consumer_group, topic, aggregate_id)
      );
    `,
  },
];

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
  // No statement timeout: a migration may rewrite a big table; the lock timeout still applies.
  const client = createClient({
    connectionString: databaseUrl,
    applicationName: 'migrations',
    statementTimeoutMs: 0,
  });
  await client.connect();
  const applied: number[] = [];
  try {
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      await client.query('begin');
      try {
        await client.query(`select pg_advisory_xact_lock(hashtext(current_schema() || '.${ledger}'))`);
        await client.query(
          `create table if not exists ${ledger} (version integer primary key, name text not null, applied_at timestamptz not null default now())`,
        );
        const { rowCount } = await client.query(`select 1 from ${ledger} where version = $1`, [
          migration.version,
        ]);
        if (rowCount === 0) {
          await client.query(migration.sql);
          await client.query(`insert into ${ledger} (version, name) values ($1, $2)`, [
            migration.version,
            migration.name,
          ]);
          applied.push(migration.version);
        }
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    }
  } finally {
    await client.end();
  }
  return applied;
}

/** Creates or updates the messaging tables (transactions table and aggregate positions) in the role's own schema. */
export function migrateMessaging({ databaseUrl }: { databaseUrl: string }): Promise<number[]> {
  return runMigrations({ databaseUrl, migrations: MESSAGING_MIGRATIONS, ledger: 'messaging_migrations' });
}
