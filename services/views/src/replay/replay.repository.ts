import { hostname } from 'node:os';
import type { PoolClient } from 'pg';
import { type Positions, toPositions } from '../projection/view-tables';
import { LIVE_SCHEMA, REBUILD_SCHEMA, type ViewDefinition } from '../views/view';

type Queryable = Pick<PoolClient, 'query'>;

/**
 * The replay's SQL: its advisory lock, its run row (`view_rebuilds`), the live view's
 * version and tables (`view_state`), the live projector's positions, and the swap's DDL.
 */

const LOCK_SPACE = `hashtext('order-platform.views.replay')`;

/** A session advisory lock per view: held by the connection until unlocked or closed. */
export async function tryLockReplay(db: Queryable, view: ViewDefinition): Promise<boolean> {
  const { rows } = await db.query<{ locked: boolean }>(
    `select pg_try_advisory_lock(${LOCK_SPACE}, hashtext($1)) as locked`,
    [view.name],
  );
  return rows[0]?.locked === true;
}

export async function unlockReplay(db: Queryable, view: ViewDefinition): Promise<void> {
  await db.query(`select pg_advisory_unlock(${LOCK_SPACE}, hashtext($1))`, [view.name]);
}

/** Who runs the view's replay now, as far as its run row says. */
export async function replayHolder(db: Queryable, view: ViewDefinition): Promise<string> {
  const { rows } = await db.query<{ pid: number | null; host: string | null; started_at: Date }>(
    `select pid, host, started_at from ${LIVE_SCHEMA}.view_rebuilds where view = $1`,
    [view.name],
  );
  const row = rows[0];
  return row
    ? `pid ${row.pid ?? '?'} on ${row.host ?? '?'}, started ${row.started_at.toISOString()}`
    : 'starting';
}

export interface ReplayRun {
  runId: string;
  version: number;
}

/** The view's last rebuild run, finished or not. */
export async function lastRun(db: Queryable, view: ViewDefinition): Promise<ReplayRun | undefined> {
  const { rows } = await db.query<{ run_id: string; version: number }>(
    `select run_id, version from ${LIVE_SCHEMA}.view_rebuilds where view = $1`,
    [view.name],
  );
  const row = rows[0];
  return row ? { runId: row.run_id, version: row.version } : undefined;
}

export async function startRun(db: Queryable, view: ViewDefinition, runId: string): Promise<void> {
  await db.query(
    `insert into ${LIVE_SCHEMA}.view_rebuilds (view, run_id, version, started_at, updated_at, status, pid, host)
     values ($1, $2, $3, now(), now(), 'running', $4, $5)
     on conflict (view) do update set run_id = excluded.run_id, version = excluded.version,
       started_at = excluded.started_at, updated_at = excluded.updated_at, status = excluded.status,
       pid = excluded.pid, host = excluded.host`,
    [view.name, runId, view.version, process.pid, hostname()],
  );
}

export async function resumeRun(db: Queryable, view: ViewDefinition): Promise<void> {
  await db.query(
    `update ${LIVE_SCHEMA}.view_rebuilds set status = 'running', pid = $2, host = $3, updated_at = now() where view = $1`,
    [view.name, process.pid, hostname()],
  );
}

export async function interruptRun(db: Queryable, view: ViewDefinition): Promise<void> {
  await db.query(
    `update ${LIVE_SCHEMA}.view_rebuilds set status = 'interrupted', pid = null, updated_at = now() where view = $1`,
    [view.name],
  );
}

export interface LiveState {
  /** The version of the code that built the live tables. */
  version: number;
  tables: string[];
}

export async function liveState(db: Queryable, view: ViewDefinition): Promise<LiveState | undefined> {
  const { rows } = await db.query<LiveState>(
    `select version, tables from ${LIVE_SCHEMA}.view_state where view = $1`,
    [view.name],
  );
  return rows[0];
}

/** The offsets the live projector has applied, on the view's topics. */
export async function livePositions(db: Queryable, view: ViewDefinition): Promise<Positions> {
  const { rows } = await db.query<{ topic: string; partition: number; offset: string }>(
    `select topic, partition, "offset" from ${LIVE_SCHEMA}.projector_positions where topic = any($1::text[])`,
    [view.topics],
  );
  return toPositions(rows);
}

/** Holds the live projector still: its every transaction starts by writing its positions. */
export async function holdLiveProjector(tx: Queryable): Promise<void> {
  await tx.query(`set local lock_timeout = '10s'`);
  await tx.query(`lock table ${LIVE_SCHEMA}.projector_positions in exclusive mode`);
}

/**
 * Replaces the live tables `replaced` with the rebuilt `tables`, records the view's version
 * and ends its run, in the caller's transaction. The live tables are locked in the view's
 * table order first (a query that meets these locks in another order and deadlocks is
 * retried by the query side; a swap that loses is tried again).
 */
export async function swapTables(
  tx: Queryable,
  view: ViewDefinition,
  tables: string[],
  replaced: string[],
  builtBy: string,
): Promise<void> {
  for (const table of replaced) {
    const exists = await tx.query<{ found: boolean }>(`select to_regclass($1) is not null as found`, [
      `${LIVE_SCHEMA}.${table}`,
    ]);
    if (exists.rows[0]?.found) await tx.query(`lock table ${LIVE_SCHEMA}.${table} in access exclusive mode`);
  }
  await tx.query(`drop table if exists ${replaced.map((t) => `${LIVE_SCHEMA}.${t}`).join(', ')}`);
  for (const table of tables)
    await tx.query(`alter table ${REBUILD_SCHEMA}.${table} set schema ${LIVE_SCHEMA}`);
  await tx.query(
    `insert into ${LIVE_SCHEMA}.view_state (view, version, built_at, built_by, tables) values ($1, $2, now(), $3, $4)
     on conflict (view) do update set version = excluded.version, built_at = excluded.built_at,
       built_by = excluded.built_by, tables = excluded.tables`,
    [view.name, view.version, builtBy, tables],
  );
  await tx.query(`delete from ${LIVE_SCHEMA}.view_rebuilds where view = $1`, [view.name]);
}
