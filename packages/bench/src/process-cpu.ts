import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A supervised process: a service, a JVM, Postgres (whose backends are its children). */
export interface Watched {
  name: string;
  pid: number;
}

/** CPU-seconds per watched process, each with its descendants (Postgres' backends, a JVM's). */
export type CpuSample = Map<string, number>;

const NODE_PROCESSES = new Set(['basket', 'order', 'payment', 'shipping', 'email', 'views', 'cdc-watchdog']);

/** Whether `name` is one of the platform's Node processes (for the idle target). */
export function isNodeService(name: string): boolean {
  return NODE_PROCESSES.has(name);
}

/**
 * The native stack's processes, from the supervisor (`devstack status`): the whole stack
 * and the services. Under docker compose there are no such pids here: the benchmark then
 * reports no CPU figures.
 */
export async function watchedProcesses(devstackCli: string): Promise<Watched[]> {
  try {
    const { stdout } = await run(process.execPath, [devstackCli, 'status']);
    return stdout.split('\n').flatMap((line) => {
      const m = /^(\S+)\s+running\s+pid (\d+)/.exec(line);
      return m ? [{ name: m[1]!, pid: Number(m[2]) }] : [];
    });
  } catch {
    return [];
  }
}

let ticks: number | undefined;
async function clockTicks(): Promise<number> {
  if (ticks === undefined) {
    try {
      ticks = Number((await run('getconf', ['CLK_TCK'])).stdout.trim()) || 100;
    } catch {
      ticks = 100;
    }
  }
  return ticks;
}

interface Stat {
  ppid: number;
  own: number;
  reaped: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      own: Number(fields[11]) + Number(fields[12]),
      reaped: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return undefined;
  }
}

/** CPU-seconds so far of each watched process and all its descendants (live and reaped). */
export async function sampleCpu(watched: readonly Watched[]): Promise<CpuSample> {
  const hz = await clockTicks();
  const stats = new Map<number, Stat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(Number(entry), stat);
  }
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  const sample: CpuSample = new Map();
  for (const { name, pid } of watched) {
    const root = stats.get(pid);
    if (!root) continue;
    let total = root.reaped;
    const stack = [pid];
    while (stack.length > 0) {
      const p = stack.pop()!;
      total += stats.get(p)?.own ?? 0;
      stack.push(...(children.get(p) ?? []));
    }
    sample.set(name, total / hz);
  }
  return sample;
}

/** CPU-seconds used between two samples, per process. */
export function cpuBetween(before: CpuSample, after: CpuSample): Map<string, number> {
  return new Map([...after].map(([name, s]) => [name, Math.max(0, s - (before.get(name) ?? s))]));
}
