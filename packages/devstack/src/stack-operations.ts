import { stackComponents, serviceComponents } from './components/catalogue';
import type { Component, StackContext } from './component';
import { startOrder, stopOrder } from './dependency-order';
import { withInstallLock } from './install-cache';
import type { Supervisor } from './supervisor';

/** What `up`, `down` and `services` do, on one supervisor; progress goes to `ctx.log`, results to `out`. */
export class StackOperations {
  constructor(
    private readonly supervisor: Supervisor,
    private readonly out: (line: string) => void,
  ) {}

  /** Makes every known component known to the supervisor (adopting what still runs). */
  registerAll(ctx: StackContext): void {
    for (const c of [...stackComponents(ctx), ...serviceComponents(ctx)]) this.supervisor.register(c);
  }

  /** Installs what is missing, starts in dependency order, waits ready, provisions, prints info lines. */
  async up(ctx: StackContext, names: readonly string[]): Promise<void> {
    const all = stackComponents(ctx);
    await this.bringUp(ctx, all, names.length > 0 ? names : all.map((c) => c.name));
  }

  async servicesUp(ctx: StackContext, overrides: Record<string, Record<string, string>>): Promise<void> {
    const all = serviceComponents(ctx, overrides);
    // A service already running (say, from `./dev up`) runs without these settings: it is
    // stopped, and bringUp registers it again with them (the supervisor takes a component's
    // new definition once its process is gone) and starts it.
    for (const c of all) {
      const settings = Object.keys(overrides[c.name] ?? {});
      if (settings.length === 0) continue;
      this.supervisor.register(c);
      if (!this.supervisor.isRunning(c.name)) continue;
      ctx.log(`${c.name}: restarting with its settings (${settings.join(', ')})`);
      await this.supervisor.stop(c.name);
    }
    await this.bringUp(
      ctx,
      all,
      all.map((c) => c.name),
    );
  }

  async down(ctx: StackContext, names: readonly string[], wipe: boolean): Promise<void> {
    const all = stackComponents(ctx);
    const order = stopOrder(all, names.length > 0 ? names : all.map((c) => c.name));
    for (const name of order) {
      this.supervisor.register(all.find((c) => c.name === name)!);
      await this.supervisor.stop(name);
      if (wipe) {
        ctx.log(`${name}: wiping data`);
        await all.find((c) => c.name === name)!.wipe();
      }
    }
    // The whole stack wiped: the processes' own data (the simulator's ledger) goes with it.
    if (wipe && names.length === 0) for (const service of serviceComponents(ctx)) await service.wipe();
    ctx.log(`down: ${order.join(' ')}${wipe ? ' (data wiped)' : ''}`);
  }

  async servicesDown(ctx: StackContext): Promise<void> {
    const all = serviceComponents(ctx);
    for (const name of stopOrder(
      all,
      all.map((c) => c.name),
    )) {
      this.supervisor.register(all.find((c) => c.name === name)!);
      const wasRunning = this.supervisor.isRunning(name);
      await this.supervisor.stop(name);
      if (wasRunning) this.out(`services: ${name} stopped`);
    }
  }

  /** Starts a held (or stopped) component again and waits until it is ready. */
  async release(name: string): Promise<void> {
    await this.supervisor.start(name);
    await this.supervisor.waitReady(name);
  }

  private async bringUp(ctx: StackContext, all: Component[], names: readonly string[]): Promise<void> {
    const order = startOrder(all, names);
    const byName = new Map(all.map((c) => [c.name, c]));
    const wanted = order.map((name) => byName.get(name)!);
    for (const c of wanted) this.supervisor.register(c);
    const missing = wanted.filter((c) => !this.supervisor.isRunning(c.name));
    if (missing.length > 0) {
      // Downloads go to the shared cache: one installer at a time.
      await withInstallLock(ctx.cacheDir, async () => {
        for (const c of missing) await c.install();
      });
    }
    const launched = new Set<string>();
    const finished = new Map<string, Promise<void>>();
    // "Finish" = wait until ready, provision, print the info line; once per component.
    const finish = (c: Component): Promise<void> => {
      let done = finished.get(c.name);
      if (!done) {
        done = this.finish(ctx, c, launched.has(c.name));
        finished.set(c.name, done);
      }
      return done;
    };
    // Components start without waiting for each other, except where one depends on
    // another: the dependency is finished first.
    for (const c of wanted) {
      if (this.supervisor.isRunning(c.name)) {
        await this.supervisor.start(c.name); // only marks it wanted: it runs
        ctx.log(`${c.name}: already running (pid ${this.supervisor.pidOf(c.name)})`);
        continue;
      }
      for (const d of c.dependencies) {
        const dep = byName.get(d);
        if (dep && order.includes(d)) await finish(dep);
        else if (!this.supervisor.has(d) || !this.supervisor.isRunning(d)) {
          throw new Error(
            `${c.name} needs ${d}, which is not running: devstack up ${d} ${c.name} (or devstack up)`,
          );
        }
      }
      ctx.log(`${c.name}: starting`);
      await this.supervisor.start(c.name);
      launched.add(c.name);
    }
    for (const c of wanted) await finish(c);
  }

  private async finish(ctx: StackContext, c: Component, launchedNow: boolean): Promise<void> {
    try {
      const took = await this.supervisor.waitReady(c.name, undefined, launchedNow);
      if (launchedNow) ctx.log(`${c.name}: ready after ${(took / 1000).toFixed(1)}s`);
    } catch (error) {
      // A component that cannot start is not left crash-looping behind a failed `up`.
      if (launchedNow) await this.supervisor.stop(c.name).catch(() => undefined);
      throw error;
    }
    await c.provision();
    this.out(await c.info());
  }
}
