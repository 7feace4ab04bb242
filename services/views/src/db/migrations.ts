import type { Migration } from '@order-platform/postgres';

/**
 * The read side's bookkeeping, in schema `views`. The views' own tables are not here:
 * they are created from each view's code (src/views) and rebuilt by replay, never migrated.
 */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'projector bookkeeping',
    sql: `
      -- Per topic partition, the furthest record the live projector has handled, whatever
      -- views it went to. A replay's swap locks this table to hold the projector still.
      create table projector_positions (
        topic text not null,
        partition integer not null,
        "offset" bigint not null,
        primary key (topic, partition)
      );
      -- The views whose live tables exist, and the version of the code that built them.
      create table view_state (
        view text primary key,
        version integer not null,
        built_at timestamptz not null,
        built_by text not null
      );
      -- A replay under way or interrupted: what a new run resumes.
      create table view_rebuilds (
        view text primary key,
        run_id uuid not null,
        version integer not null,
        started_at timestamptz not null,
        updated_at timestamptz not null,
        status text not null,
        pid integer,
        host text
      );
    `,
  },
  {
    version: 2,
    name: 'the tables of each live view',
    sql: `
      -- What a swap drops: the tables the old code built, which a new version may no
      -- longer have.
      alter table view_state add column tables text[] not null default '{}';
    `,
  },
];
