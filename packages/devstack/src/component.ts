import { componentPorts, type StackComponentName, type StackPorts } from '@order-platform/topology';

/** Where a stack lives and what it was started with: handed to every component hook. */
export interface StackContext {
  readonly repoRoot: string;
  /** Runtime state: data/, logs/, run/, conf/ (absolute, symlinks resolved). */
  readonly stackDir: string;
  /** Downloads shared by every stack of the machine. */
  readonly cacheDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly ports: StackPorts;
  /** infra/versions.env */
  readonly versions: Readonly<Record<string, string>>;
  /** A progress line for whoever asked (the CLI prints it) and the daemon's log. */
  log(line: string): void;
}

/** How to run a component's process. */
export interface StartSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The process's whole environment (nothing else is inherited). */
  readonly env: Record<string, string>;
}

export type ComponentKind = 'stack' | 'service';

/** One thing the supervisor runs: a table row, not a script. */
export interface Component {
  readonly name: string;
  readonly kind: ComponentKind;
  readonly ports: readonly number[];
  /** Components that must be ready before this one starts. */
  readonly dependencies: readonly string[];
  /** The signal that stops it cleanly (postgres: SIGINT, its "fast" shutdown). */
  readonly stopSignal: NodeJS.Signals;
  /** Seconds `up` waits for it to become ready. */
  readonly startTimeoutSeconds: number;
  /**
   * A string the command line of our process must contain: guards a pid file against a
   * recycled pid (another program that got the same pid).
   */
  identity(): string;
  /** Downloads what is missing into the cache (idempotent, atomic). */
  install(): Promise<void>;
  /** Prepares data and config (each start) and says what to run. */
  start(): Promise<StartSpec>;
  /** Whether it answers now (one quick probe). */
  ready(): Promise<boolean>;
  /** After the first ready of an `up`: databases, checks. Throws to fail the `up`. */
  provision(): Promise<void>;
  /** The status line `up` and `versions` print. */
  info(): Promise<string>;
  /** Deletes its data (not the cache). */
  wipe(): Promise<void>;
}

/** Fills in the hooks a component does not need. */
export function component(
  spec: Pick<Component, 'name' | 'kind' | 'ports' | 'identity' | 'start' | 'ready'> & Partial<Component>,
): Component {
  return {
    dependencies: [],
    stopSignal: 'SIGTERM',
    startTimeoutSeconds: 60,
    install: () => Promise.resolve(),
    provision: () => Promise.resolve(),
    info: () => Promise.resolve(`${spec.name} ready  127.0.0.1:${spec.ports.join(',')}`),
    wipe: () => Promise.resolve(),
    ...spec,
  };
}

/**
 * A component of the stack itself (not a service): its ports are the topology's for its name
 * and, unless it says otherwise, its process is ours when its command line names the stack
 * directory.
 */
export function stackComponent(
  ctx: StackContext,
  spec: { name: StackComponentName } & Pick<Component, 'start' | 'ready'> &
    Partial<Omit<Component, 'name' | 'kind' | 'ports'>>,
): Component {
  return component({
    kind: 'stack',
    ports: componentPorts(spec.name, ctx.ports),
    identity: () => ctx.stackDir,
    ...spec,
  });
}
