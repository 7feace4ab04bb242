import { withReplayLock } from './lock';
import { makePlan } from './plan';
import { Rebuild } from './rebuild';
import type { ReplayDependencies, ReplayOptions, ReplayResult } from './replay-options';

export { ReplayBusyError } from './lock';
export { replayGroup, type PartitionPlan, type ReplayPlan } from './plan';
export type { ReplayDependencies, ReplayOptions, ReplayResult } from './replay-options';

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
