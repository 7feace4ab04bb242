import { readdirSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import { Socket } from 'node:net';

/** The pid a pid file names, when the file holds one. */
export function readPidFile(file: string): number | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}

export function writePidFile(file: string, pid: number): void {
  writeFileSync(`${file}.tmp`, `${pid}\n`);
  renameSync(`${file}.tmp`, file);
}

export function removePidFile(file: string): void {
  rmSync(file, { force: true });
}

/**
 * Whether `pid` is a live process of ours: its command line contains `identity` (a pid
 * file can outlive its process, and the pid be given to another program) and it is not
 * a zombie (exited, not yet reaped).
 */
export function isOurProcess(pid: number, identity: string): boolean {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    if (!cmdline || !cmdline.includes(identity)) return false;
    return processState(pid) !== 'Z';
  } catch {
    return false;
  }
}

/** The state letter of /proc/<pid>/stat (R, S, Z, …). */
function processState(pid: number): string | undefined {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (2nd field) is in parentheses and may hold spaces.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

/** The pid in `file` if it is a live process of ours (see isOurProcess). */
export function runningPid(file: string, identity: string): number | undefined {
  const pid = readPidFile(file);
  return pid !== undefined && isOurProcess(pid, identity) ? pid : undefined;
}

/** Resident memory of a process and its direct children (Postgres: postmaster + backends), MiB. */
export function rssMiB(pid: number): number | undefined {
  const rssKiB = (p: number) => {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
    return match?.[1] ? Number(match[1]) : 0;
  };
  try {
    let total = rssKiB(pid);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (parent === pid) total += rssKiB(Number(entry));
      } catch {
        // The process ended while we looked.
      }
    }
    return Math.round(total / 1024);
  } catch {
    return undefined;
  }
}

/** Whether something accepts connections on 127.0.0.1:port. */
export function portInUse(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (used: boolean) => {
      socket.destroy();
      resolve(used);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** Whether a process exists (any owner); signal 0 checks without sending anything. */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
