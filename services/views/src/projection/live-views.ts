import type { TopicName } from '@order-platform/contracts';
import { withTransaction } from '@order-platform/postgres';
import type { Pool, PoolClient } from 'pg';
import { VIEWS } from '../views/catalog';
import { LIVE_SCHEMA, tablesOf, type ViewDefinition } from '../views/view';
import { createViewTables } from './view-tables';

type Queryable = Pick<PoolClient, 'query'>;

export interface ViewStatus {
  view: ViewDefinition;
  /** The version of the code that built the live tables; undefined when there are none. */
  liveVersion: number | undefined;
  builtAt: Date | undefined;
  builtBy: string | undefined;
  /** Live tables exist and match the code: the projector keeps them and queries read them. */
  live: boolean;
}

export async function viewStatuses(db: Queryable): Promise<ViewStatus[]> {
  const { rows } = await db.query<{ view: string; version: number; built_at: Date; built_by: string }>(
    `select view, version, built_at, built_by from ${LIVE_SCHEMA}.view_state`,
  );
  return VIEWS.map((view) => {
    const row = rows.find((r) => r.view === view.name);
    return {
      view,
      liveVersion: row?.version,
      builtAt: row?.built_at,
      builtBy: row?.built_by,
      live: row?.version === view.version,
    };
  });
}

/**
 * The views the live projector writes for a topic, read in the handler's transaction, so
 * that a view swapped in by a replay is picked up by the next transaction after the swap.
 */
export async function liveViewsFor(tx: Queryable, topic: TopicName): Promise<ViewDefinition[]> {
  const { rows } = await tx.query<{ view: string; version: number }>(
    `select view, version from ${LIVE_SCHEMA}.view_state`,
  );
  return VIEWS.filter(
    (v) => v.topics.includes(topic) && rows.some((r) => r.view === v.name && r.version === v.version),
  );
}

export interface StartupReport {
  created: string[];
  needRebuild: { view: string; reason: string }[];
}

/**
 * At start: creates the live tables of views that have none, while the projector has not
 * handled anything yet (a new system: the projector builds them from offset 0). A view
 * that would start late (added to a running system) or whose code changed since its
 * tables were built is left for `pnpm replay <view>`; until then the projector skips it
 * and its queries answer 503.
 */
export async function prepareLiveViews(pool: Pool): Promise<StartupReport> {
  return withTransaction(pool, async (tx) => {
    const report: StartupReport = { created: [], needRebuild: [] };
    // Several instances may start at once: one prepares, the others wait and find it done.
    await tx.query(`lock table ${LIVE_SCHEMA}.view_state in exclusive mode`);
    const started = await tx.query(`select 1 from ${LIVE_SCHEMA}.projector_positions limit 1`);
    for (const status of await viewStatuses(tx)) {
      const { view } = status;
      if (status.live) continue;
      if (status.liveVersion !== undefined) {
        report.needRebuild.push({
          view: view.name,
          reason: `its tables were built by version ${status.liveVersion}, the code is version ${view.version}`,
        });
      } else if (started.rowCount !== 0) {
        report.needRebuild.push({
          view: view.name,
          reason: 'it is new and the projector has already started',
        });
      } else {
        await createViewTables(tx, view, LIVE_SCHEMA);
        await tx.query(
          `insert into ${LIVE_SCHEMA}.view_state (view, version, built_at, built_by, tables)
           values ($1, $2, now(), 'projector', $3)`,
          [view.name, view.version, tablesOf(view)],
        );
        report.created.push(view.name);
      }
    }
    return report;
  });
}
