import type { Pool } from 'pg';
import type { ViewDefinition } from '../views/view';
import { replayHolder, tryLockReplay, unlockReplay } from './replay.repository';

/** Another replay of the same view holds its lock. */
export class ReplayBusyError extends Error {
  constructor(view: string, holder: string) {
    super(
      `a replay of ${view} is already running (${holder}); wait for it, or stop it and run this again to resume`,
    );
    this.name = 'ReplayBusyError';
  }
}

/**
 * Runs `work` holding the view's replay lock: a session advisory lock on a connection of
 * its own, so that a second run is refused and a run that dies releases it. With
 * `mayShare` (a dry run) `work` runs without the lock too, and is told whether it has it.
 */
export async function withReplayLock<T>(
  pool: Pool,
  view: ViewDefinition,
  mayShare: boolean,
  work: (locked: boolean) => Promise<T>,
): Promise<T> {
  const connection = await pool.connect();
  try {
    const locked = await tryLockReplay(connection, view);
    try {
      if (!locked && !mayShare) throw new ReplayBusyError(view.name, await replayHolder(connection, view));
      return await work(locked);
    } finally {
      if (locked) await unlockReplay(connection, view);
    }
  } finally {
    connection.release();
  }
}
