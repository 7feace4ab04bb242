import { randomUUID } from 'node:crypto';
import type { KafkaClient } from '@order-platform/messaging';
import type { PoolClient } from 'pg';
import { positionOf, readPositions, viewTablesExist } from '../projection/view-tables';
import { LIVE_SCHEMA, REBUILD_SCHEMA, tablesOf, type ViewDefinition } from '../views/view';
import { lastRun, livePositions, liveState } from './replay.repository';

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

/** The consumer group a view's replays read with; one per view, reset by a fresh start. */
export function replayGroup(view: ViewDefinition): string {
  return `views.replay.${view.name}`;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}

/**
 * What a replay of `view` would do now: start fresh, or resume the last run where its
 * group's committed offsets are (same code version, rebuild tables still there, no
 * `restart`), over which partitions and up to which offsets.
 */
export async function makePlan(
  kafka: KafkaClient,
  db: Pick<PoolClient, 'query'>,
  view: ViewDefinition,
  restart: boolean,
): Promise<ReplayPlan> {
  const group = replayGroup(view);
  const state = await liveState(db, view);
  const previous = await lastRun(db, view);
  const resumable =
    !restart &&
    previous !== undefined &&
    previous.version === view.version &&
    (await viewTablesExist(db, view, REBUILD_SCHEMA));
  const rebuilt = resumable ? await readPositions(db, view, REBUILD_SCHEMA) : {};
  const live = await livePositions(db, view);
  // A fresh run reads from the low watermarks, whatever the group committed before.
  const positions = await kafka.withAdmin((admin) => admin.positions(group, view.topics));
  const partitions: PartitionPlan[] = positions.map(({ topic, partition, low, high, next }) => ({
    topic,
    partition,
    low,
    high,
    next: resumable ? next : low,
    live: positionOf(live, topic, partition),
    rebuilt: positionOf(rebuilt, topic, partition),
  }));
  const recordsDone = partitions.reduce((sum, p) => sum + Math.min(p.high, p.next) - p.low, 0);
  return {
    view: view.name,
    codeVersion: view.version,
    liveVersion: state?.version ?? null,
    mode: resumable ? 'resume' : 'fresh',
    group,
    runId: resumable ? previous.runId : randomUUID(),
    recordsTotal: partitions.reduce((sum, p) => sum + (p.high - p.low), 0),
    recordsDone,
    partitions,
    buildTables: tablesOf(view).map((t) => `${REBUILD_SCHEMA}.${t}`),
    replaceTables: [...new Set([...tablesOf(view), ...(state?.tables ?? [])])].map(
      (t) => `${LIVE_SCHEMA}.${t}`,
    ),
  };
}
