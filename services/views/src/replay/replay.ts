import type { Kafka, MessagingLogger, SchemaRegistry } from '@order-platform/messaging';
import type { Pool } from 'pg';
import type { Positions } from '../projection/view-tables';
import type { ViewDefinition } from '../views/view';
import { withReplayLock } from './lock';
import { makePlan, type ReplayPlan } from './plan';
import type { ReplayProgress } from './progress';
import { Rebuild } from './rebuild';

export { ReplayBusyError } from './lock';
export { replayGroup, type PartitionPlan, type ReplayPlan } from './plan';

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

export type ReplayResult =
  | { outcome: 'dry-run'; plan: ReplayPlan; running: boolean }
  | { outcome: 'interrupted'; plan: ReplayPlan; events: number; seconds: number }
  | { outcome: 'swapped'; plan: ReplayPlan; events: number; seconds: number; positions: Positions };

/**
 * Rebuilds a view from offset 0 into new tables (schema views_rebuild) while the live
 * tables keep serving, then swaps them in:
 *
 * 1. Takes the view's replay lock (./lock.ts: a second run is refused, and a run that dies
 *    releases it).
 * 2. Plans (./plan.ts). Fresh start: new tables from the view's current code, the replay
 *    group's offsets and transactions-table rows cleared. Resume: the tables and the group's
 *    committed offsets are where the last run stopped (an offset is committed only after its
 *    rows are).
 * 3. Reads the view's topics with the messaging runtime (./rebuild.ts) until it has read to
 *    the topics' ends as they were at the start and is not behind the live view.
 * 4. Swaps (./swap.ts), in one Postgres transaction: lock the live projector's positions (it
 *    waits), let the rebuild reach every offset the live projector has handled, stop
 *    reading, drop the live tables and move the new ones into `views`, record the view's
 *    version. The live projector then goes on from its own offsets, skipping records the
 *    new tables already have (their positions say so).
 */
export function replay(deps: ReplayDependencies, options: ReplayOptions): Promise<ReplayResult> {
  const { pool, kafka } = deps;
  const dryRun = options.dryRun === true;
  return withReplayLock(pool, options.view, dryRun, async (locked) => {
    const plan = await makePlan(kafka, pool, options.view, options.restart === true);
    if (dryRun) return { outcome: 'dry-run', plan, running: !locked };
    return new Rebuild(deps, options, plan).run();
  });
}
