import { DaemonConnection, type Output } from './daemon-connection';
import type { ComponentState, ComponentStatus } from './supervisor';
import { stackDirOf } from './stack-context';

export type { ComponentState, ComponentStatus } from './supervisor';

export interface ConnectOptions {
  /** Default: STACK_DIR of `env`, else <repo>/.stack. */
  stackDir?: string;
  /** The settings the stack runs with (ports, heaps …); default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where progress and info lines go; default stderr, prefixed [devstack]. */
  output?: Output;
}

const stderrOutput: Output = {
  log: (line) => process.stderr.write(`[devstack] ${line}\n`),
  out: (line) => process.stderr.write(`${line}\n`),
};

/**
 * The supervisor of one stack directory, for tests and the fault suite: every call goes
 * to its daemon (started when none runs), so a process killed here is restarted by it.
 */
export class DevStack {
  private constructor(private readonly connection: DaemonConnection) {}

  static connect(options: ConnectOptions = {}): DevStack {
    const env = { ...(options.env ?? process.env) };
    const stackDir = options.stackDir ?? stackDirOf(env);
    env.STACK_DIR = stackDir;
    return new DevStack(new DaemonConnection(stackDir, env, options.output ?? stderrOutput));
  }

  get stackDir(): string {
    return this.connection.stackDir;
  }

  /** Stack components (default: all): installs what is missing, starts in dependency order, waits ready, provisions. */
  async up(names: string[] = []): Promise<void> {
    await this.connection.stream('/up', { names, env: this.connection.environment() });
  }

  /** The simulator and the services (and cdc-watchdog when built); `env` adds per-service settings, kept for restarts. */
  async servicesUp(options: { env?: Record<string, Record<string, string>> } = {}): Promise<void> {
    await this.connection.stream('/services/up', {
      env: this.connection.environment(),
      overrides: options.env ?? {},
    });
  }

  async servicesDown(): Promise<void> {
    await this.connection.stream('/services/down', { env: this.connection.environment() });
  }

  /** Sends `signal` (default SIGKILL) as a crash would: the supervisor restarts the process with backoff. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    await this.connection.post('/kill', { name, signal });
  }

  /** Stops it and keeps it stopped (a long outage) until `release`. */
  async hold(name: string): Promise<void> {
    await this.connection.stream('/hold', { name });
  }

  /** Starts it again; resolves when it is ready. */
  async release(name: string): Promise<void> {
    await this.connection.stream('/release', { name });
  }

  async waitReady(name: string, timeoutMs?: number): Promise<void> {
    await this.connection.stream('/wait-ready', { name, timeoutMs });
  }

  async status(): Promise<
    { name: string; state: ComponentState; pid?: number; restarts: number; ready: boolean }[]
  > {
    return this.connection.get<ComponentStatus[]>('/status');
  }

  /** The full status rows (kind, ports, resident memory too). */
  async details(): Promise<ComponentStatus[]> {
    return this.connection.get<ComponentStatus[]>('/status');
  }

  /** Stops stack components (default: all) in reverse dependency order; `wipe` deletes their data. */
  async down(names: string[] = [], options: { wipe?: boolean } = {}): Promise<void> {
    await this.connection.stream('/down', {
      names,
      wipe: options.wipe ?? false,
      env: this.connection.environment(),
    });
  }
}
