import { Controller, Get, Inject } from '@nestjs/common';
import { PG_POOL } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { viewStatuses } from '../projection/live-views';
import { type Positions, readPositions } from '../projection/view-tables';
import { LIVE_SCHEMA } from '../views/view';

export interface ViewReport {
  view: string;
  description: string;
  /** live: built by this code and kept up to date; needs-rebuild: run `pnpm replay <view>`. */
  status: 'live' | 'needs-rebuild';
  codeVersion: number;
  liveVersion: number | null;
  builtAt: string | null;
  builtBy: string | null;
  position: Positions;
  rebuild: { runId: string; status: string; startedAt: string; updatedAt: string } | null;
}

/** What views there are, how they were built and how far they have read. */
@Controller('views')
export class ViewsController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get()
  async list(): Promise<ViewReport[]> {
    const rebuilds = await this.pool.query<{
      view: string;
      run_id: string;
      status: string;
      started_at: Date;
      updated_at: Date;
    }>(`select view, run_id, status, started_at, updated_at from ${LIVE_SCHEMA}.view_rebuilds`);
    const reports: ViewReport[] = [];
    for (const s of await viewStatuses(this.pool)) {
      const rebuild = rebuilds.rows.find((r) => r.view === s.view.name);
      reports.push({
        view: s.view.name,
        description: s.view.description,
        status: s.live ? 'live' : 'needs-rebuild',
        codeVersion: s.view.version,
        liveVersion: s.liveVersion ?? null,
        builtAt: s.builtAt?.toISOString() ?? null,
        builtBy: s.builtBy ?? null,
        position: s.liveVersion === undefined ? {} : await readPositions(this.pool, s.view, LIVE_SCHEMA),
        rebuild: rebuild
          ? {
              runId: rebuild.run_id,
              status: rebuild.status,
              startedAt: rebuild.started_at.toISOString(),
              updatedAt: rebuild.updated_at.toISOString(),
            }
          : null,
      });
    }
    return reports;
  }
}
