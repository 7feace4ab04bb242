import { ServiceUnavailableException } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Positions } from '../projection/view-tables';
import { LIVE_SCHEMA, positionsTable, type ViewDefinition } from '../views/view';

/**
 * Errors a query can meet only while a replay swaps a view's tables (a deadlock with the
 * swap's locks, a table renamed between planning and locking): tried again, they pass.
 */
const SWAP_RACES = new Set(['40P01', '40001', '42P01', '55P03']);

function isSwapRace(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && SWAP_RACES.has(code);
}

/** An ISO-8601 UTC text of a timestamptz column, in SQL. */
export function iso(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** The SQL of a view's positions as `{ topic: { partition: offset } }`. */
export function positionsJson(view: ViewDefinition): string {
  return `(select coalesce(jsonb_object_agg(topic, partitions), '{}'::jsonb)
           from (select topic, jsonb_object_agg(partition::text, "offset") as partitions
                 from ${LIVE_SCHEMA}.${positionsTable(view)} group by topic) p)`;
}

/**
 * Runs one statement against a view's live tables. A view whose live tables are missing or
 * were built by other code answers 503 until its replay swaps new ones in. One statement
 * reads rows and positions together, so an answer comes wholly from the tables before a
 * swap or wholly from those after it, never from a half-built view.
 */
export async function readView<R extends object>(
  pool: Pool,
  view: ViewDefinition,
  sql: string,
  params: unknown[],
): Promise<R | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const state = await pool.query<{ version: number }>(
        `select version from ${LIVE_SCHEMA}.view_state where view = $1`,
        [view.name],
      );
      const version = state.rows[0]?.version;
      if (version !== view.version) {
        throw new ServiceUnavailableException(
          version === undefined
            ? `view ${view.name} has not been built yet: run "pnpm replay ${view.name}"`
            : `view ${view.name} was built by version ${version} of its code, this is version ${view.version}: run "pnpm replay ${view.name}"`,
        );
      }
      const { rows } = await pool.query<R>(sql, params);
      return rows[0];
    } catch (error) {
      if (attempt >= 5 || !isSwapRace(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

export type { Positions };
