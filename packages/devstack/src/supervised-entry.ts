import type { ChildProcess } from 'node:child_process';
import type { Component } from './component';

export type ComponentState = 'running' | 'starting' | 'backoff' | 'held' | 'stopped';

/** What the supervisor knows about one component. */
export interface Entry {
  component: Component;
  state: ComponentState;
  /** What was asked for: a process that exits while wanted up is restarted. */
  want: 'up' | 'held' | 'down';
  pid?: number;
  child?: ChildProcess;
  /** Adopted processes are not our children: their exit is noticed by polling. */
  watch?: NodeJS.Timeout;
  restartTimer?: NodeJS.Timeout;
  restarts: number;
  /** Crash streak, for the backoff. */
  attempt: number;
  startedAt: number;
  ready: boolean;
  probing: boolean;
  lastProbe: number;
  /** How many times it exited: lets `up` notice an exit during its start-up. */
  exits: number;
}

export function newEntry(component: Component): Entry {
  return {
    component,
    state: 'stopped',
    want: 'down',
    restarts: 0,
    attempt: 0,
    startedAt: 0,
    ready: false,
    probing: false,
    lastProbe: 0,
    exits: 0,
  };
}

/**
 * Probes readiness: a starting process every 250 ms until it answers (then it is running),
 * a running one every 5 s (so `ready` tells the truth when a dependency goes away).
 */
export function probeAll(entries: Iterable<Entry>, log: (line: string) => void): void {
  const now = Date.now();
  for (const entry of entries) {
    const pid = entry.pid;
    if (pid === undefined || pid < 0 || entry.probing) continue;
    if (entry.state === 'running' && now - entry.lastProbe < 5000) continue;
    entry.probing = true;
    entry.lastProbe = now;
    void entry.component
      .ready()
      .catch(() => false)
      .then((ready) => {
        entry.probing = false;
        if (entry.pid !== pid) return;
        entry.ready = ready;
        if (ready && entry.state === 'starting') {
          entry.state = 'running';
          log(
            `${entry.component.name}: ready after ${((Date.now() - entry.startedAt) / 1000).toFixed(1)}s (pid ${pid})`,
          );
        }
      });
  }
}
