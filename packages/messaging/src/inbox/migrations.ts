import { runMigrations, type Migration } from '@order-platform/postgres';

/**
 * The messaging tables, as versioned SQL for runMigrations (@order-platform/postgres).
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

/** Creates or updates the messaging tables (transactions table and aggregate positions) in the role's own schema. */
export function migrateMessaging({ databaseUrl }: { databaseUrl: string }): Promise<number[]> {
  return runMigrations({ databaseUrl, migrations: MESSAGING_MIGRATIONS, ledger: 'messaging_migrations' });
}
