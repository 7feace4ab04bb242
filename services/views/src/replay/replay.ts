import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  type BatchProgress,
  ConsumerRunner,
  type Kafka,
  type MessagingLogger,
  type SchemaRegistry,
} from '@order-platform/messaging';
import { withTransaction } from '@order-platform/service-kit';
import type { Pool, PoolClient } from 'pg';
import { projectionHandlers } from '../projection/projector';
import {
  createViewTables,
  dropViewTables,
  type Positions,
  positionOf,
  readPositions,
  toPositions,
  viewTablesExist,
} from '../projection/view-tables';
import { LIVE_SCHEMA, REBUILD_SCHEMA, tablesOf, type ViewDefinition } from '../views/view';
import type { ReplayProgress } from './progress';

export interface ReplayDependencies {
  /** Connections as the views role; at least `partitionsConcurrently` + 3 of them. */
  pool: Pool;
  kafka: Kafka;
  registry: SchemaRegistry;
  logger?: MessagingLogger;
}

export interface ReplayOptions {
  view: ViewDefinition;
  /** Report what a rebuild would do, change nothing. */
  dryRun?: boolean;
  /** Throw away an interrupted rebuild and start again from offset 0. */
  restart?: boolean;
  /** Messages of one partition applied per Postgres transaction (default 200). */
  batchSize?: number;
  /** Partitions replayed at once (default 4). */
  partitionsConcurrently?: number;
  /** How often progress is reported, in ms (default 500). */
  progressEveryMs?: number;
  onProgress?: (progress: ReplayProgress) => void;
  /** Aborting stops the replay where it is; running it again resumes there. */
  signal?: AbortSignal;
}

export interface PartitionPlan {
  topic: string;
  partition: number;
  /** The partition's first and next offsets when the replay started. */
  low: number;
  high: number;
  /** The next offset the rebuild reads: low, or where a resumed run's group committed. */
  next: number;
  /** Offsets applied by the live view and by the rebuild so far (-1: none). */
  live: number;
  rebuilt: number;
}

export interface ReplayPlan {
  view: string;
  codeVersion: number;
  /** The version of the code that built the live tables; null when there are none. */
  liveVersion: number | null;
  mode: 'fresh' | 'resume';
  /** The consumer group the rebuild reads with (its committed offsets are where a resume starts). */
  group: string;
  runId: string;
  /** Records (offsets) of the view's topics up to their ends now, and how many are already read. */
  recordsTotal: number;
  recordsDone: number;
  partitions: PartitionPlan[];
  /** What the swap will do. */
  buildTables: string[];
  replaceTables: string[];
}

export type ReplayResult =
  | { outcome: 'dry-run'; plan: ReplayPlan; running: boolean }
  | { outcome: 'interrupted'; plan: ReplayPlan; events: number; seconds: number }
  | { outcome: 'swapped'; plan: ReplayPlan; events: number; seconds: number; positions: Positions };

/** Another replay of the same view holds its lock. */
export class ReplayBusyError extends Error {
  constructor(view: string, holder: string) {
    super(
      `a replay of ${view} is already running (${holder}); wait for it, or stop it and run this again to resume`,
    );
    this.name = 'ReplayBusyError';
  }
}

/** The consumer group a view's replays read with; one per view, reset by a fresh start. */
export function replayGroup(view: ViewDefinition): string {
  return `views.replay.${view.name}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function key(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/**
 * Rebuilds a view from offset 0 into new tables (schema views_rebuild) while the live
 * tables keep serving, then swaps them in:
 *
 * 1. Takes the view's replay lock (a session advisory lock: a second run is refused, and a
 *    run that dies releases it).
 * 2. Fresh start: new tables from the view's current code, the replay group's offsets and
 *    transactions-table rows cleared. Resume: the tables and the group's committed offsets
 *    are where the last run stopped (an offset is committed only after its rows are).
 * 3. Reads the view's topics with the messaging runtime (read_committed, the transactions
 *    table dropping duplicates and stale events, as the live projector does) until it has
 *    read to the topics' ends as they were at the start and is no behind the live view.
 * 4. Swap, in one Postgres transaction: lock the live projector's positions (it waits),
 *    let the rebuild reach every offset the live projector has handled, stop reading,
 *    drop the live tables and move the new ones into `views`, record the view's version.
 *    The live projector then goes on from its own offsets, skipping records the new
 *    tables already have (their positions say so).
 */
export async function replay(deps: ReplayDependencies, options: ReplayOptions): Promise<ReplayResult> {
  const { pool } = deps;
  const { view } = options;
  const lock = await pool.connect();
  try {
    const { rows } = await lock.query<{ locked: boolean }>(
      `select pg_try_advisory_lock(hashtext('order-platform.views.replay'), hashtext($1)) as locked`,
      [view.name],
    );
    const locked = rows[0]?.locked === true;
    try {
      if (!locked && !options.dryRun) throw new ReplayBusyError(view.name, await holder(lock, view));
      const plan = await makePlan(deps, options, lock);
      if (options.dryRun) return { outcome: 'dry-run', plan, running: !locked };
      return await new Rebuild(deps, options, plan).run();
    } finally {
      if (locked) {
        await lock.query(`select pg_advisory_unlock(hashtext('order-platform.views.replay'), hashtext($1))`, [
          view.name,
        ]);
      }
    }
  } finally {
    lock.release();
  }
}

async function holder(db: PoolClient, view: ViewDefinition): Promise<string> {
  const { rows } = await db.query<{ pid: number | null; host: string | null; started_at: Date }>(
    `select pid, host, started_at from ${LIVE_SCHEMA}.view_rebuilds where view = $1`,
    [view.name],
  );
  const row = rows[0];
  return row
    ? `pid ${row.pid ?? '?'} on ${row.host ?? '?'}, started ${row.started_at.toISOString()}`
    : 'starting';
}

async function livePositions(db: Pick<PoolClient, 'query'>, view: ViewDefinition): Promise<Positions> {
  const { rows } = await db.query<{ topic: string; partition: number; offset: string }>(
    `select topic, partition, "offset" from ${LIVE_SCHEMA}.projector_positions where topic = any($1::text[])`,
    [view.topics],
  );
  return toPositions(rows);
}

async function makePlan(
  deps: ReplayDependencies,
  options: ReplayOptions,
  db: PoolClient,
): Promise<ReplayPlan> {
  const { view } = options;
  const group = replayGroup(view);
  const state = await db.query<{ version: number; tables: string[] }>(
    `select version, tables from ${LIVE_SCHEMA}.view_state where view = $1`,
    [view.name],
  );
  const run = await db.query<{ run_id: string; version: number }>(
    `select run_id, version from ${LIVE_SCHEMA}.view_rebuilds where view = $1`,
    [view.name],
  );
  const previous = run.rows[0];
  const resumable =
    !options.restart &&
    previous !== undefined &&
    previous.version === view.version &&
    (await viewTablesExist(db, view, REBUILD_SCHEMA));
  const rebuilt = resumable ? await readPositions(db, view, REBUILD_SCHEMA) : {};
  const live = await livePositions(db, view);
  const admin = deps.kafka.admin();
  await admin.connect();
  const partitions: PartitionPlan[] = [];
  let recordsDone = 0;
  try {
    const committed = new Map<string, number>();
    if (resumable) {
      for (const { topic, partitions: ps } of await admin.fetchOffsets({
        groupId: group,
        topics: [...view.topics],
      })) {
        for (const p of ps) committed.set(key(topic, p.partition), Number(p.offset));
      }
    }
    for (const topic of view.topics) {
      for (const o of await admin.fetchTopicOffsets(topic)) {
        const low = Number(o.low);
        const high = Number(o.high);
        const next = Math.max(committed.get(key(topic, o.partition)) ?? -1, low);
        recordsDone += Math.min(high, next) - low;
        partitions.push({
          topic,
          partition: o.partition,
          low,
          high,
          next,
          live: positionOf(live, topic, o.partition),
          rebuilt: positionOf(rebuilt, topic, o.partition),
        });
      }
    }
  } finally {
    await admin.disconnect();
  }
  return {
    view: view.name,
    codeVersion: view.version,
    liveVersion: state.rows[0]?.version ?? null,
    mode: resumable ? 'resume' : 'fresh',
    group,
    runId: resumable ? previous.run_id : randomUUID(),
    recordsTotal: partitions.reduce((sum, p) => sum + (p.high - p.low), 0),
    recordsDone,
    partitions,
    buildTables: tablesOf(view).map((t) => `${REBUILD_SCHEMA}.${t}`),
    replaceTables: [...new Set([...tablesOf(view), ...(state.rows[0]?.tables ?? [])])].map(
      (t) => `${LIVE_SCHEMA}.${t}`,
    ),
  };
}

class Rebuild {
  private readonly view: ViewDefinition;
  private readonly group: string;
  private readonly started = Date.now();
  private events = 0;
  /** Per partition, the furthest offset read (records handled and batches fetched). */
  private readonly read = new Map<string, number>();
  private runner: ConsumerRunner | undefined;

  constructor(
    private readonly deps: ReplayDependencies,
    private readonly options: ReplayOptions,
    private readonly plan: ReplayPlan,
  ) {
    this.view = options.view;
    this.group = plan.group;
    // A resumed run has read up to where its group's committed offsets are.
    for (const p of plan.partitions) this.read.set(key(p.topic, p.partition), p.next - 1);
  }

  async run(): Promise<ReplayResult> {
    const { pool } = this.deps;
    if (this.plan.mode === 'fresh') {
      await this.startFresh();
    } else {
      await pool.query(
        `update ${LIVE_SCHEMA}.view_rebuilds set status = 'running', pid = $2, host = $3, updated_at = now() where view = $1`,
        [this.view.name, process.pid, hostname()],
      );
    }
    try {
      for (;;) {
        if (this.options.signal?.aborted) return await this.interrupted();
        // (Again after a swap that had to stop reading and then could not finish.)
        await this.startReading();
        this.report('reading');
        if ((await this.caughtUp()) && (await this.trySwap())) {
          const positions = await readPositions(pool, this.view, LIVE_SCHEMA);
          // The new tables are live: leftovers of the replay group are only storage.
          await this.forgetGroupMessages(pool).catch((error: unknown) =>
            this.deps.logger?.warn(
              { error: String(error) },
              'replay swapped, but its bookkeeping was not cleared',
            ),
          );
          this.report('done');
          return {
            outcome: 'swapped',
            plan: this.plan,
            events: this.events,
            seconds: this.seconds(),
            positions,
          };
        }
        await sleep(this.options.progressEveryMs ?? 500);
      }
    } finally {
      await this.stopReading();
    }
  }

  private async startReading(): Promise<void> {
    if (this.runner) return;
    const runner = this.createRunner();
    await runner.start();
    this.runner = runner;
  }

  private async stopReading(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
  }

  private seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  private recordsDone(): number {
    let done = 0;
    for (const p of this.plan.partitions) {
      const furthest = this.read.get(key(p.topic, p.partition)) ?? p.low - 1;
      done += Math.max(0, Math.min(p.high, furthest + 1) - p.low);
    }
    return done;
  }

  private report(phase: ReplayProgress['phase']): void {
    if (!this.options.onProgress) return;
    const elapsedSeconds = this.seconds();
    const recordsDone = this.recordsDone();
    const rate = elapsedSeconds > 0 ? this.events / elapsedSeconds : 0;
    const readThisRun = recordsDone - this.plan.recordsDone;
    const recordRate = elapsedSeconds > 0 ? readThisRun / elapsedSeconds : 0;
    this.options.onProgress({
      phase,
      recordsDone,
      recordsTotal: this.plan.recordsTotal,
      events: this.events,
      rate,
      secondsLeft: recordRate > 0 ? (this.plan.recordsTotal - recordsDone) / recordRate : undefined,
      elapsedSeconds,
    });
  }

  /** New tables from the view's code; the group's offsets and transactions-table rows cleared. */
  private async startFresh(): Promise<void> {
    const { pool } = this.deps;
    await this.resetGroup();
    await withTransaction(pool, async (tx) => {
      await dropViewTables(tx, this.view, REBUILD_SCHEMA);
      await createViewTables(tx, this.view, REBUILD_SCHEMA);
      await this.forgetGroupMessages(tx);
      await tx.query(
        `insert into ${LIVE_SCHEMA}.view_rebuilds (view, run_id, version, started_at, updated_at, status, pid, host)
         values ($1, $2, $3, now(), now(), 'running', $4, $5)
         on conflict (view) do update set run_id = excluded.run_id, version = excluded.version,
           started_at = excluded.started_at, updated_at = excluded.updated_at, status = excluded.status,
           pid = excluded.pid, host = excluded.host`,
        [this.view.name, this.plan.runId, this.view.version, process.pid, hostname()],
      );
    });
  }

  /**
   * Deletes the replay group, so that it reads from offset 0. A member of a run that died
   * stays in the group until its session times out; wait for that.
   */
  private async resetGroup(): Promise<void> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    try {
      for (let waited = 0; ; waited += 1000) {
        const { groups } = await admin.describeGroups([this.group]);
        const state = groups[0]?.state ?? 'Dead';
        if (state === 'Dead') return;
        if (state === 'Empty') {
          await admin.deleteGroups([this.group]);
          return;
        }
        if (waited > 60_000) throw new Error(`consumer group ${this.group} still has members (${state})`);
        await sleep(1000);
      }
    } finally {
      await admin.disconnect();
    }
  }

  private bump(topic: string, partition: number, offset: number): void {
    const k = key(topic, partition);
    if (offset > (this.read.get(k) ?? -1)) this.read.set(k, offset);
  }

  private createRunner(): ConsumerRunner {
    const { kafka, pool, registry, logger } = this.deps;
    const view = this.view;
    return new ConsumerRunner({
      kafka,
      pool,
      registry,
      groupId: this.group,
      handlers: projectionHandlers(
        {
          schema: REBUILD_SCHEMA,
          views: (_tx, topic) => Promise.resolve(view.topics.includes(topic) ? [view] : []),
        },
        view.topics,
      ),
      batchSize: this.options.batchSize ?? 200,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 4,
      // A record the live projector dead-lettered fails here too: to the replay group's
      // dead-letter topic at once, without waiting in retry topics.
      retry: { retryTopicDelaysMs: [] },
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      ...(logger ? { logger } : {}),
      hooks: {
        afterDatabaseCommit: (messages) => {
          this.events += messages.length;
          for (const m of messages) this.bump(m.topic, m.partition, Number(m.offset));
        },
      },
      onBatchEnd: (progress: BatchProgress) =>
        this.bump(progress.topic, progress.partition, Number(progress.lastOffset)),
    });
  }

  /** Read to the topics' ends as they were at the start, and no behind the live view. */
  private async caughtUp(): Promise<boolean> {
    for (const p of this.plan.partitions) {
      if (p.high > p.low && (this.read.get(key(p.topic, p.partition)) ?? -1) < p.high - 1) return false;
    }
    return this.notBehindLive(await livePositions(this.deps.pool, this.view));
  }

  private async notBehindLive(live: Positions): Promise<boolean> {
    const rebuilt = await readPositions(this.deps.pool, this.view, REBUILD_SCHEMA);
    for (const [topic, partitions] of Object.entries(live)) {
      for (const [partition, offset] of Object.entries(partitions)) {
        if (positionOf(rebuilt, topic, Number(partition)) < offset) {
          // Not applied by the rebuild: it has not read that far, or the record changed
          // nothing (a duplicate) and so left no position; what it has read says which.
          if ((this.read.get(key(topic, Number(partition))) ?? -1) < offset) return false;
        }
      }
    }
    return true;
  }

  /**
   * The swap. Holds the live projector still (its every transaction starts by writing
   * projector_positions), waits until the rebuild has read every offset the live view
   * has, then replaces the live tables in the same transaction. False: try again later.
   */
  private async trySwap(): Promise<boolean> {
    this.report('catching-up');
    const { pool } = this.deps;
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(`set local lock_timeout = '10s'`);
      await client.query(`lock table ${LIVE_SCHEMA}.projector_positions in exclusive mode`);
      const live = await livePositions(client, this.view);
      const deadline = Date.now() + 10_000;
      while (!(await this.notBehindLive(live))) {
        if (Date.now() > deadline) {
          await client.query('rollback');
          return false;
        }
        await sleep(50);
      }
      this.report('swapping');
      await this.stopReading();
      const tables = tablesOf(this.view);
      // The live tables: this code's, and any that the code which built them had and this has not.
      const built = await client.query<{ tables: string[] }>(
        `select tables from ${LIVE_SCHEMA}.view_state where view = $1`,
        [this.view.name],
      );
      const replaced = [...new Set([...tables, ...(built.rows[0]?.tables ?? [])])];
      // In the view's table order (a query that meets these locks in another order and
      // deadlocks is retried by the query side; a swap that loses is tried again).
      for (const table of replaced) {
        const exists = await client.query<{ found: boolean }>(`select to_regclass($1) is not null as found`, [
          `${LIVE_SCHEMA}.${table}`,
        ]);
        if (exists.rows[0]?.found) {
          await client.query(`lock table ${LIVE_SCHEMA}.${table} in access exclusive mode`);
        }
      }
      await client.query(`drop table if exists ${replaced.map((t) => `${LIVE_SCHEMA}.${t}`).join(', ')}`);
      for (const table of tables)
        await client.query(`alter table ${REBUILD_SCHEMA}.${table} set schema ${LIVE_SCHEMA}`);
      await client.query(
        `insert into ${LIVE_SCHEMA}.view_state (view, version, built_at, built_by, tables) values ($1, $2, now(), $3, $4)
         on conflict (view) do update set version = excluded.version, built_at = excluded.built_at,
           built_by = excluded.built_by, tables = excluded.tables`,
        [this.view.name, this.view.version, `replay ${this.plan.runId}`, tables],
      );
      await client.query(`delete from ${LIVE_SCHEMA}.view_rebuilds where view = $1`, [this.view.name]);
      await client.query('commit');
      return true;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      // Lock timeout or deadlock: the live projector or a query was in the way; try again.
      const code = (error as { code?: string }).code;
      if (code === '55P03' || code === '40P01') return false;
      throw error;
    } finally {
      client.release();
    }
  }

  /** The replay group's transactions-table rows: what its inbox knows from an earlier run. */
  private async forgetGroupMessages(db: Pick<PoolClient, 'query'>): Promise<void> {
    await db.query('delete from message_transactions where consumer_group = $1', [this.group]);
    await db.query('delete from message_aggregate_positions where consumer_group = $1', [this.group]);
  }

  private async interrupted(): Promise<ReplayResult> {
    await this.stopReading();
    await this.deps.pool.query(
      `update ${LIVE_SCHEMA}.view_rebuilds set status = 'interrupted', pid = null, updated_at = now() where view = $1`,
      [this.view.name],
    );
    return { outcome: 'interrupted', plan: this.plan, events: this.events, seconds: this.seconds() };
  }
}
