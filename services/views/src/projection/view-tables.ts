import type { Pool, PoolClient } from 'pg';
import {
  LIVE_SCHEMA,
  positionsDdl,
  positionsTable,
  tablesOf,
  type ViewDefinition,
  type ViewSchema,
} from '../views/view';

type Queryable = Pick<PoolClient, 'query'>;

/** Per topic, per partition: the offset last applied. */
export type Positions = Record<string, Record<string, number>>;

/** Creates a view's tables and its positions table in `schema`. */
export async function createViewTables(
  db: Queryable,
  view: ViewDefinition,
  schema: ViewSchema,
): Promise<void> {
  for (const table of view.tables) await db.query(table.ddl(schema));
  await db.query(positionsDdl(view, schema));
}

export async function dropViewTables(db: Queryable, view: ViewDefinition, schema: ViewSchema): Promise<void> {
  await db.query(
    `drop table if exists ${tablesOf(view)
      .map((t) => `${schema}.${t}`)
      .join(', ')}`,
  );
}

/** Whether every table of the view exists in `schema`. */
export async function viewTablesExist(
  db: Queryable,
  view: ViewDefinition,
  schema: ViewSchema,
): Promise<boolean> {
  const names = tablesOf(view).map((t) => `${schema}.${t}`);
  const { rows } = await db.query<{ n: string }>(
    'select count(*) as n from unnest($1::text[]) as name where to_regclass(name) is not null',
    [names],
  );
  return Number(rows[0]?.n) === names.length;
}

export async function readPositions(
  db: Queryable,
  view: ViewDefinition,
  schema: ViewSchema,
): Promise<Positions> {
  const { rows } = await db.query<{ topic: string; partition: number; offset: string }>(
    `select topic, partition, "offset" from ${schema}.${positionsTable(view)} order by topic, partition`,
  );
  return toPositions(rows);
}

export function toPositions(
  rows: { topic: string; partition: number; offset: string | number }[],
): Positions {
  const positions: Positions = {};
  for (const row of rows) (positions[row.topic] ??= {})[String(row.partition)] = Number(row.offset);
  return positions;
}

/** The offset applied on a partition, -1 when none has been. */
export function positionOf(positions: Positions, topic: string, partition: number): number {
  return positions[topic]?.[String(partition)] ?? -1;
}

export interface ViewChecksum {
  /** md5 over every table's md5, in the view's table order. */
  md5: string;
  tables: Record<string, { rows: number; md5: string }>;
}

/**
 * A digest of a view's rows, table by table in primary-key order: two builds of a view
 * are equal row for row when their checksums are. Positions are left out (a rebuild may
 * stop at other offsets of records that changed nothing, such as duplicates).
 */
export async function viewChecksum(
  db: Pool | Queryable,
  view: ViewDefinition,
  schema: ViewSchema = LIVE_SCHEMA,
): Promise<ViewChecksum> {
  const tables: ViewChecksum['tables'] = {};
  for (const table of view.tables) {
    const { rows } = await db.query<{ rows: string; md5: string | null }>(
      `select count(*) as rows, md5(coalesce(string_agg(t::text, E'\\n' order by ${table.key}), '')) as md5
       from ${schema}.${table.name} t`,
    );
    tables[table.name] = { rows: Number(rows[0]?.rows ?? 0), md5: rows[0]?.md5 ?? '' };
  }
  const { rows } = await db.query<{ md5: string }>('select md5($1) as md5', [
    view.tables.map((t) => tables[t.name]?.md5).join(','),
  ]);
  return { md5: rows[0]?.md5 ?? '', tables };
}
