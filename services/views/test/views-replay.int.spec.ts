import { eventually } from '@order-platform/testing';
import { describe, expect, it } from 'vitest';
import { viewChecksum } from '../src/projection/view-tables';
import type { ReplayProgress } from '../src/replay/progress';
import { ReplayBusyError } from '../src/replay/replay';
import { VIEWS } from '../src/views/catalog';
import { dailySalesView } from '../src/views/daily-sales.view';
import { orderTimelineView } from '../src/views/order-timeline.view';
import { canonical, type DaySales, expectedSales, get, type Timeline, useViewsSystem } from './views.fixture';

/**
 * Replay on the real stack: a rebuild from offset 0 beside the live view, interrupted,
 * killed, refused while another runs, and swapped in while queries go on.
 */
describe('views: replay', () => {
  const sys = useViewsSystem();
  const { rebuild, startCli, runCli } = sys;
  const clean = new Map<string, string>();

  it('a rebuild equals the live view row for row, and rebuilding twice gives the same', async () => {
    await sys.projected();
    for (const view of VIEWS) {
      const live = await viewChecksum(sys.pool, view);
      const first = await rebuild(view);
      expect(first.outcome).toBe('swapped');
      const rebuilt = await viewChecksum(sys.pool, view);
      expect({ view: view.name, ...rebuilt }).toEqual({ view: view.name, ...live });
      await rebuild(view);
      expect(await viewChecksum(sys.pool, view)).toEqual(live);
      clean.set(view.name, live.md5);
    }
    const { rows } = await sys.pool.query<{ view: string; built_by: string }>(
      'select view, built_by from views.view_state',
    );
    for (const row of rows) expect(row.built_by).toMatch(/^replay /);
  });

  it('queries during a rebuild never fail and never see a half-built view', async () => {
    const delivered = sys.orders.find((o) => o.outcome === 'DELIVERED')!;
    const customer = delivered.customerId;
    const expectedTotal = sys.orders.filter((o) => o.customerId === customer).length;
    const sales = expectedSales(sys.orders);
    let stop = false;
    const answers: { path: string; status: number; ok: boolean }[] = [];
    const poll = async () => {
      while (!stop) {
        const t = await get<Timeline>(sys.base, `/orders/${delivered.orderId}/timeline`);
        answers.push({
          path: 'timeline',
          status: t.status,
          ok: t.body.status === 'DELIVERED' && t.body.emails.length === 2,
        });
        const c = await get<{ total: number }>(sys.base, `/customers/${customer}/orders`);
        answers.push({ path: 'customer', status: c.status, ok: c.body.total === expectedTotal });
        const s = await get<{ days: DaySales[] }>(
          sys.base,
          `/stats/daily-sales?from=${sys.from}&to=${sys.to}`,
        );
        answers.push({
          path: 'sales',
          status: s.status,
          ok: canonical(s.body.days) === canonical(sales),
        });
      }
    };
    const pollers = [poll(), poll()];
    try {
      for (const view of VIEWS) expect((await rebuild(view, { batchSize: 20 })).outcome).toBe('swapped');
    } finally {
      stop = true;
      await Promise.all(pollers);
    }
    expect(answers.length).toBeGreaterThan(30);
    expect(answers.filter((a) => a.status !== 200 || !a.ok)).toEqual([]);
  });

  it('a rebuild interrupted half-way and resumed ends equal to a clean rebuild', async () => {
    const abort = new AbortController();
    let half: ReplayProgress | undefined;
    const interrupted = await rebuild(orderTimelineView, {
      batchSize: 1,
      partitionsConcurrently: 1,
      signal: abort.signal,
      progressEveryMs: 20,
      onProgress: (p) => {
        if (!half && p.recordsDone >= p.recordsTotal / 2) {
          half = p;
          abort.abort();
        }
      },
    });
    expect(interrupted.outcome).toBe('interrupted');
    const { rows } = await sys.pool.query<{ status: string }>(
      `select status from views.view_rebuilds where view = 'order-timeline'`,
    );
    expect(rows[0]?.status).toBe('interrupted');

    const plan = await rebuild(orderTimelineView, { dryRun: true });
    expect(plan.outcome).toBe('dry-run');
    expect(plan.plan.mode).toBe('resume');
    expect(plan.plan.recordsDone).toBeGreaterThan(0);
    expect(plan.plan.recordsDone).toBeLessThan(plan.plan.recordsTotal);

    const resumed = await rebuild(orderTimelineView);
    if (resumed.outcome !== 'swapped') throw new Error(`resumed replay ended ${resumed.outcome}`);
    expect(resumed.plan.mode).toBe('resume');
    expect(resumed.events).toBeLessThan(plan.plan.recordsTotal);
    expect((await viewChecksum(sys.pool, orderTimelineView)).md5).toBe(clean.get('order-timeline'));
  });

  it('refuses a second replay of a view while one runs; --dry-run changes nothing', async () => {
    const abort = new AbortController();
    let reading!: () => void;
    const started = new Promise<void>((resolve) => (reading = resolve));
    // One record per transaction, one partition at a time: slow enough to be caught running.
    const first = rebuild(orderTimelineView, {
      batchSize: 1,
      partitionsConcurrently: 1,
      signal: abort.signal,
      onProgress: () => reading(),
    });
    await started;
    await expect(rebuild(orderTimelineView)).rejects.toBeInstanceOf(ReplayBusyError);
    const cli = await runCli(['order-timeline']);
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('already running');
    abort.abort();
    expect((await first).outcome).toBe('interrupted');

    const before = await viewChecksum(sys.pool, orderTimelineView);
    const dry = await runCli(['order-timeline', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would resume the interrupted rebuild');
    expect(await viewChecksum(sys.pool, orderTimelineView)).toEqual(before);

    const done = await runCli(['order-timeline']);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('order-timeline rebuilt and swapped in');
    expect(done.stderr).toMatch(/\[#+\] 100% [\d,]+\/[\d,]+ records/);
    expect((await viewChecksum(sys.pool, orderTimelineView)).md5).toBe(clean.get('order-timeline'));

    const unknown = await runCli(['no-such-view']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the views are order-timeline, customer-orders, daily-sales');
  });

  it('a replay killed with SIGKILL half-way resumes where it was and ends equal to a clean rebuild', async () => {
    const killed = startCli(['order-timeline', '--restart', '--batch-size', '1']);
    // Killed once a good part of the records are in the new tables (their positions say which).
    const progress = async (schema: string) => {
      const { rows } = await sys.pool.query<{ done: string | null }>(
        `select sum("offset") as done from ${schema}.order_timeline_positions`,
      );
      return Number(rows[0]?.done ?? 0);
    };
    const target = (await progress('views')) / 3;
    await eventually(
      'the replay a third of the way',
      () =>
        progress('views_rebuild').then(
          (done) => (done > target ? true : undefined),
          () => undefined,
        ),
      120_000,
    );
    killed.child.kill('SIGKILL');
    const end = await killed.done;
    expect(end.signal).toBe('SIGKILL');
    const { rows } = await sys.pool.query<{ status: string }>(
      `select status from views.view_rebuilds where view = 'order-timeline'`,
    );
    expect(rows[0]?.status).toBe('running'); // as it was when it died

    const resumed = await runCli(['order-timeline', '--json']);
    expect(resumed.code).toBe(0);
    const result = JSON.parse(resumed.stdout) as {
      outcome: string;
      plan: { mode: string; recordsDone: number };
    };
    expect(result.outcome).toBe('swapped');
    expect(result.plan.mode).toBe('resume');
    expect(result.plan.recordsDone).toBeGreaterThan(0);
    expect((await viewChecksum(sys.pool, orderTimelineView)).md5).toBe(clean.get('order-timeline'));
  });

  it('a view whose code changed is not served or projected until a replay rebuilds it', async () => {
    // As if version 0 of the view had kept its totals in a table version 1 no longer has.
    await sys.pool.query('create table views.daily_sales_totals_v0 (day date primary key)');
    await sys.pool.query(
      `update views.view_state set version = 0, tables = tables || '{daily_sales_totals_v0}' where view = 'daily-sales'`,
    );
    const stale = await get<{ message: string }>(
      sys.base,
      `/stats/daily-sales?from=${sys.from}&to=${sys.to}`,
    );
    expect(stale.status).toBe(503);
    expect(stale.body.message).toContain('pnpm replay daily-sales');
    const views = await get<{ view: string; status: string }[]>(sys.base, '/views');
    expect(views.body.find((v) => v.view === 'daily-sales')?.status).toBe('needs-rebuild');

    expect((await rebuild(dailySalesView)).outcome).toBe('swapped');
    const fresh = await get<{ days: DaySales[] }>(
      sys.base,
      `/stats/daily-sales?from=${sys.from}&to=${sys.to}`,
    );
    expect(fresh.status).toBe(200);
    expect(fresh.body.days).toEqual(expectedSales(sys.orders));
    expect((await viewChecksum(sys.pool, dailySalesView)).md5).toBe(clean.get('daily-sales'));
    const old = await sys.pool.query<{ t: string | null }>(
      `select to_regclass('views.daily_sales_totals_v0') as t`,
    );
    expect(old.rows[0]?.t).toBeNull();
  });
});
