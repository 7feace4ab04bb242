import { type BackoffPolicy, backoffDelay, defaultBackoff, nextAttempt } from './backoff';
import type { Component, StackContext } from './component';
import { isOurProcess, portInUse, removePidFile, rssMiB, runningPid } from './processes';
import { tailOf } from './run-command';
import { spawnDetached } from './spawn-detached';
import { type ComponentState, type Entry, newEntry, probeAll } from './supervised-entry';
import { logFileOf, pidFileOf } from './stack-context';

export type { ComponentState } from './supervised-entry';

export interface ComponentStatus {
  name: string;
  kind: Component['kind'];
  state: ComponentState;
  pid?: number;
  restarts: number;
  ready: boolean;
  ports: readonly number[];
  rssMiB?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs components as detached children, restarts the ones that die, adopts survivors. */
export class Supervisor {
  private readonly entries = new Map<string, Entry>();
  private readonly probeTimer: NodeJS.Timeout;

  constructor(
    private readonly ctx: StackContext,
    private readonly log: (line: string) => void,
    private readonly policy: BackoffPolicy = defaultBackoff,
    private readonly stopTimeoutMs = Number(ctx.env.STACK_STOP_TIMEOUT ?? 30) * 1000,
  ) {
    this.probeTimer = setInterval(() => probeAll(this.entries.values(), this.log), 250);
  }

  /**
   * Makes `component` known (a newer definition replaces one that is not running). A live
   * process from its pid file (identity-checked) is adopted, not started twice.
   */
  register(component: Component): void {
    const existing = this.entries.get(component.name);
    if (existing) {
      if (existing.pid === undefined) existing.component = component;
      return;
    }
    const entry = newEntry(component);
    this.entries.set(component.name, entry);
    const pid = runningPid(pidFileOf(this.ctx, component), component.identity());
    if (pid !== undefined) {
      Object.assign(entry, { pid, want: 'up', state: 'starting', startedAt: Date.now() });
      this.log(`${component.name}: adopted the running process (pid ${pid})`);
      this.watchAdopted(entry, pid);
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  isRunning(name: string): boolean {
    return this.entry(name).pid !== undefined;
  }

  pidOf(name: string): number | undefined {
    return this.entry(name).pid;
  }

  /** Starts it unless it runs; refuses a port that a process of someone else holds. */
  async start(name: string): Promise<void> {
    const entry = this.entry(name);
    entry.want = 'up';
    if (entry.pid !== undefined) return;
    clearTimeout(entry.restartTimer);
    entry.restartTimer = undefined;
    for (const port of entry.component.ports) {
      if (await portInUse(port)) {
        entry.want = 'down';
        entry.state = 'stopped';
        throw new Error(
          `${name}: port ${port} on 127.0.0.1 is already in use by a process this stack did not start; stop it or choose another port (see infra/native/README.md)`,
        );
      }
    }
    entry.attempt = 0;
    try {
      await this.spawn(entry);
    } catch (error) {
      entry.want = 'down';
      entry.state = 'stopped';
      throw error;
    }
  }

  /** Waits until it answers its readiness probe (resolves with the time since it started); `failOnExit` fails when it exits meanwhile. */
  async waitReady(name: string, timeoutMs?: number, failOnExit = false): Promise<number> {
    const entry = this.entry(name);
    const began = Date.now();
    const deadline =
      began +
      (timeoutMs ?? Number(this.ctx.env.STACK_START_TIMEOUT ?? entry.component.startTimeoutSeconds) * 1000);
    const exits = entry.exits;
    for (;;) {
      if (entry.state === 'running' && entry.ready) return Date.now() - entry.startedAt;
      if (entry.want !== 'up') throw this.failure(entry, `is ${entry.state}, not started`);
      if (failOnExit && entry.exits > exits) throw this.failure(entry, 'the process exited during start-up');
      if (Date.now() >= deadline) {
        throw this.failure(
          entry,
          `not ready after ${Math.round((deadline - began) / 1000)}s (pid ${entry.pid ?? '-'}, state ${entry.state})`,
        );
      }
      await sleep(100);
    }
  }

  /** Stops it (stop signal, SIGKILL after the stop timeout); `held` keeps it stopped as an outage. */
  async stop(name: string, held = false): Promise<void> {
    const entry = this.entry(name);
    entry.want = held ? 'held' : 'down';
    clearTimeout(entry.restartTimer);
    entry.restartTimer = undefined;
    const pid = entry.pid;
    if (pid === undefined) {
      entry.state = held ? 'held' : 'stopped';
      removePidFile(pidFileOf(this.ctx, entry.component));
      return;
    }
    const { component } = entry;
    this.log(`${name}: stopping pid ${pid} (${component.stopSignal})`);
    this.signal(pid, component.stopSignal);
    if (!(await this.waitGone(entry, pid, this.stopTimeoutMs))) {
      this.log(`${name}: still running after ${this.stopTimeoutMs / 1000}s, sending SIGKILL`);
      this.signal(pid, 'SIGKILL');
      if (!(await this.waitGone(entry, pid, 5000))) throw new Error(`${name}: pid ${pid} does not stop`);
    }
    entry.state = held ? 'held' : 'stopped';
  }

  /**
   * Sends a signal as a crash would: the supervisor then restarts the process. Resolves
   * once the process has gone (so a `waitReady` after it waits for the new one), or after
   * 10 s for a signal it survives.
   */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<number> {
    const entry = this.entry(name);
    const pid = entry.pid;
    if (pid === undefined) throw new Error(`${name} is not running (${entry.state})`);
    this.log(`${name}: sending ${signal} to pid ${pid} (fault injection)`);
    entry.ready = false;
    process.kill(pid, signal);
    await this.waitGone(entry, pid, 10_000);
    return pid;
  }

  status(): ComponentStatus[] {
    return [...this.entries.values()].map((e) => ({
      name: e.component.name,
      kind: e.component.kind,
      state: e.state,
      ...(e.pid !== undefined ? { pid: e.pid, rssMiB: rssMiB(e.pid) } : {}),
      restarts: e.restarts,
      ready: e.pid !== undefined && e.ready,
      ports: e.component.ports,
    }));
  }

  /** Whether nothing is wanted any more (the daemon may then go). */
  idle(): boolean {
    return [...this.entries.values()].every((e) => e.want === 'down' && e.pid === undefined);
  }

  /** Stops supervising (the daemon exits); the processes keep running, to be adopted. */
  close(): void {
    clearInterval(this.probeTimer);
    for (const e of this.entries.values()) {
      clearInterval(e.watch);
      clearTimeout(e.restartTimer);
      e.child?.removeAllListeners('exit');
    }
  }

  private entry(name: string): Entry {
    const entry = this.entries.get(name);
    if (!entry)
      throw new Error(`unknown component "${name}" (known: ${[...this.entries.keys()].join(', ')})`);
    return entry;
  }

  private async spawn(entry: Entry): Promise<void> {
    const { component } = entry;
    entry.startedAt = Date.now();
    entry.state = 'starting';
    entry.ready = false;
    const spec = await component.start();
    const child = await spawnDetached(
      component.name,
      spec,
      logFileOf(this.ctx, component),
      pidFileOf(this.ctx, component),
    );
    const pid = child.pid!;
    Object.assign(entry, { pid, child });
    child.once('exit', (code, signal) =>
      this.exited(entry, pid, signal ? `signal ${signal}` : `exit code ${code}`),
    );
  }

  private exited(entry: Entry, pid: number, how: string): void {
    if (entry.pid !== pid) return;
    const { component } = entry;
    clearInterval(entry.watch);
    removePidFile(pidFileOf(this.ctx, component));
    const uptime = Date.now() - entry.startedAt;
    Object.assign(entry, {
      pid: undefined,
      child: undefined,
      watch: undefined,
      ready: false,
      exits: entry.exits + 1,
    });
    if (entry.want !== 'up') {
      entry.state = entry.want === 'held' ? 'held' : 'stopped';
      this.log(`${component.name}: stopped (${how})`);
      return;
    }
    entry.attempt = nextAttempt(entry.attempt, uptime, this.policy);
    const delay = backoffDelay(entry.attempt, this.policy);
    entry.restarts += 1;
    entry.state = 'backoff';
    this.log(
      `${component.name}: exited unasked (${how}) after ${(uptime / 1000).toFixed(1)}s; restart #${entry.restarts} in ${delay} ms`,
    );
    entry.restartTimer = setTimeout(() => this.restart(entry), delay);
  }

  private restart(entry: Entry): void {
    entry.restartTimer = undefined;
    if (entry.want !== 'up' || entry.pid !== undefined) return;
    this.spawn(entry).catch((error: Error) => {
      // A start that fails before a process exists counts as a crash: back off and retry.
      const marker = -1;
      entry.pid = marker;
      this.exited(entry, marker, `start failed: ${error.message}`);
    });
  }

  private watchAdopted(entry: Entry, pid: number): void {
    const identity = entry.component.identity();
    entry.watch = setInterval(() => {
      if (!isOurProcess(pid, identity)) this.exited(entry, pid, 'the adopted process is gone');
    }, 250);
  }

  private signal(pid: number, signal: NodeJS.Signals): void {
    try {
      process.kill(pid, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }

  private async waitGone(entry: Entry, pid: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (entry.pid !== pid) return true;
      if (!entry.child && !isOurProcess(pid, entry.component.identity())) {
        this.exited(entry, pid, 'the adopted process is gone');
        return true;
      }
      await sleep(100);
    }
    return false;
  }

  private failure(entry: Entry, what: string): Error {
    const tail = tailOf(logFileOf(this.ctx, entry.component), 60);
    return new Error(
      `${entry.component.name}: ${what} (log: ${logFileOf(this.ctx, entry.component)})${tail ? `\n${tail}` : ''}`,
    );
  }
}
