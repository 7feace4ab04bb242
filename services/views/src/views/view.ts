import type { AnyEvent, TopicName } from '@order-platform/contracts';
import type { PoolClient } from 'pg';

/** Where the live tables of every view are, and where a replay builds new ones. */
export const LIVE_SCHEMA = 'views';
export const REBUILD_SCHEMA = 'views_rebuild';
export type ViewSchema = typeof LIVE_SCHEMA | typeof REBUILD_SCHEMA;

export type ViewName = 'order-timeline' | 'customer-orders' | 'daily-sales';

export interface ViewTable {
  /** Unique over all views: a replay moves a table between schemas by its name. */
  name: string;
  /** `create table` (and its indexes) in a schema; index names are prefixed with the table's. */
  ddl: (schema: ViewSchema) => string;
  /** Its primary key columns: the row order of the view's checksum. */
  key: string;
}

/**
 * A view's table from its columns (as in `create table`) and its indexes, each given as what
 * follows `on <table>` and named `<table>_<suffix>`: every index name starts with its table's.
 */
export function viewTable(
  name: string,
  key: string,
  columns: string,
  indexes: Readonly<Record<string, string>> = {},
): ViewTable {
  return {
    name,
    key,
    ddl: (schema) =>
      [
        `create table ${schema}.${name} (${columns})`,
        ...Object.entries(indexes).map(
          ([suffix, on]) => `create index ${name}_${suffix} on ${schema}.${name} ${on}`,
        ),
      ].join(';\n'),
  };
}

/**
 * A read model built only from events. Its code is the whole truth about its tables: they
 * are created from `tables` (never migrated), and a change to them or to `apply` raises
 * `version`, after which the view is rebuilt by replaying the topics (`pnpm replay <name>`).
 *
 * `apply` must give the same rows whatever order the events of different topics arrive in
 * and however often one arrives: the live projector sees the topics interleaved as they
 * were produced, a replay sees them interleaved as fast as each partition is read, and
 * a message retried through a retry topic may be applied after later ones. Every view
 * here upserts by natural keys and lets the furthest status win.
 */
export interface ViewDefinition {
  name: ViewName;
  version: number;
  description: string;
  topics: readonly TopicName[];
  tables: readonly ViewTable[];
  apply(tx: PoolClient, schema: ViewSchema, topic: TopicName, event: AnyEvent): Promise<void>;
}

/** The table of a view's positions: per topic partition, the offset it has applied. */
export function positionsTable(view: ViewDefinition): string {
  return `${view.name.replaceAll('-', '_')}_positions`;
}

export function positionsDdl(view: ViewDefinition, schema: ViewSchema): string {
  return `create table ${schema}.${positionsTable(view)} (
    topic text not null,
    partition integer not null,
    "offset" bigint not null,
    primary key (topic, partition)
  )`;
}

/** Every table of a view, its positions last (the lock order of a swap). */
export function tablesOf(view: ViewDefinition): string[] {
  return [...view.tables.map((t) => t.name), positionsTable(view)];
}

/** Milliseconds since the epoch (an Avro timestamp-millis) as a Date for `pg`. */
export function at(ms: number): Date {
  return new Date(ms);
}
