import { withTransaction } from '@order-platform/postgres';
import type { Pool } from 'pg';
import type { Positions } from '../projection/view-tables';
import { tablesOf, type ViewDefinition } from '../views/view';
import { holdLiveProjector, livePositions, liveState, swapTables } from './replay.repository';

export interface SwapSteps {
  /** Whether the rebuild has applied (or read past) every offset in `live`. */
  notBehind(live: Positions): Promise<boolean>;
  /** Once the rebuild has caught up, before the tables change: it stops reading. */
  beforeSwap(): Promise<void>;
}

const LOCK_NOT_AVAILABLE = '55P03';
const DEADLOCK_DETECTED = '40P01';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rolls the swap's transaction back: the rebuild did not catch up with the live view in time. */
class NotCaughtUp extends Error {}

/**
 * The swap, in one Postgres transaction: holds the live projector still, waits (up to 10 s)
 * until the rebuild has read every offset the live view has, then replaces the live tables
 * with the rebuilt ones. The live tables are this code's and any that the code which built
 * them had and this has not. False: the live projector or a query was in the way; try again.
 */
export async function trySwap(
  pool: Pool,
  view: ViewDefinition,
  runId: string,
  steps: SwapSteps,
): Promise<boolean> {
  try {
    return await withTransaction(pool, async (tx) => {
      await holdLiveProjector(tx);
      const live = await livePositions(tx, view);
      const deadline = Date.now() + 10_000;
      while (!(await steps.notBehind(live))) {
        if (Date.now() > deadline) throw new NotCaughtUp();
        await sleep(50);
      }
      await steps.beforeSwap();
      const tables = tablesOf(view);
      const replaced = [...new Set([...tables, ...((await liveState(tx, view))?.tables ?? [])])];
      await swapTables(tx, view, tables, replaced, `replay ${runId}`);
      return true;
    });
  } catch (error) {
    if (error instanceof NotCaughtUp) return false;
    const code = (error as { code?: string }).code;
    if (code === LOCK_NOT_AVAILABLE || code === DEADLOCK_DETECTED) return false;
    throw error;
  }
}
