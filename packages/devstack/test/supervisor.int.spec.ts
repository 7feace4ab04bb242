import { readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@order-platform/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DevStack } from '../src';
import { writeFakeComponents } from './fake-components';

// The daemon on a stack directory of its own, with fake components only: nothing here
// touches the shared stack, and no second Kafka is started.
const dir = mkdtempSync(join(tmpdir(), 'devstack-int-'));
const lines: string[] = [];
let stack: DevStack;
let fakePort: number;

const row = async (name: string) => (await stack.status()).find((s) => s.name === name)!;
// Alive = exists and is not a zombie (an orphan whose new parent has not reaped it yet is dead).
const alive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
};
const answers = async (port: number) => {
  try {
    return (await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
};
const daemonPid = () => Number(readFileSync(join(dir, 'stack/run/devstack.pid'), 'utf8').trim());

beforeAll(async () => {
  fakePort = await freePort();
  const env = {
    ...process.env,
    DEVSTACK_COMPONENTS: writeFakeComponents(dir),
    FAKE_PORT: String(fakePort),
    FAKE_DEPENDENT_PORT: String(await freePort()),
  };
  stack = DevStack.connect({
    stackDir: join(dir, 'stack'),
    env,
    output: { log: (l) => lines.push(l), out: (l) => lines.push(l) },
  });
});

afterAll(async () => {
  await stack.down().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('the devstack supervisor', () => {
  it('starts components in dependency order and waits until they are ready', async () => {
    await stack.up(['fake-dependent', 'fake']);
    expect(await row('fake')).toMatchObject({ state: 'running', ready: true, restarts: 0 });
    expect(await row('fake-dependent')).toMatchObject({ state: 'running', ready: true });
    expect(lines.indexOf('fake ready  http://127.0.0.1:' + fakePort + '/')).toBeGreaterThanOrEqual(0);
    const started = lines.filter((l) => l.endsWith(': starting'));
    expect(started).toEqual(['fake: starting', 'fake-dependent: starting']);
    expect((await row('postgres')).state).toBe('stopped');
  });

  it('restarts a process killed with SIGKILL, with backoff, and counts the restart', async () => {
    const before = (await row('fake')).pid!;
    await stack.kill('fake');
    await vi.waitFor(() => expect(alive(before)).toBe(false), { timeout: 5000, interval: 50 });
    await stack.waitReady('fake', 20_000);
    const after = await row('fake');
    expect(after.pid).not.toBe(before);
    expect(after).toMatchObject({ state: 'running', ready: true, restarts: 1 });
    const log = readFileSync(join(dir, 'stack/logs/devstack.log'), 'utf8');
    expect(log).toMatch(/fake: exited unasked \(signal SIGKILL\) after [\d.]+s; restart #1 in 500 ms/);
    // A quick second crash doubles the delay.
    await stack.kill('fake');
    await vi.waitFor(async () => expect((await row('fake')).restarts).toBe(2), {
      timeout: 5000,
      interval: 50,
    });
    await stack.waitReady('fake', 20_000);
    expect(readFileSync(join(dir, 'stack/logs/devstack.log'), 'utf8')).toContain('restart #2 in 1000 ms');
  });

  it('holds a component stopped until it is released', async () => {
    const pid = (await row('fake')).pid!;
    await stack.hold('fake');
    expect(alive(pid)).toBe(false);
    expect(await row('fake')).toMatchObject({ state: 'held', ready: false });
    expect(await answers(fakePort)).toBe(false);
    await stack.release('fake');
    expect(await row('fake')).toMatchObject({ state: 'running', ready: true });
    expect(await answers(fakePort)).toBe(true);
  });

  it('adopts the running processes when the daemon itself is restarted', async () => {
    const before = await stack.status();
    const oldDaemon = daemonPid();
    process.kill(oldDaemon, 'SIGKILL');
    await vi.waitFor(() => expect(alive(oldDaemon)).toBe(false), { timeout: 5000, interval: 50 });
    // The next call starts a new daemon, which finds the processes through their pid files.
    await stack.waitReady('fake', 20_000);
    expect(daemonPid()).not.toBe(oldDaemon);
    const after = await stack.status();
    for (const name of ['fake', 'fake-dependent']) {
      expect(after.find((s) => s.name === name)?.pid).toBe(before.find((s) => s.name === name)?.pid);
    }
    // An adopted process is supervised like a child: killed, it comes back.
    const adopted = (await row('fake')).pid!;
    await stack.kill('fake');
    await vi.waitFor(async () => expect((await row('fake')).pid).not.toBe(adopted), {
      timeout: 10_000,
      interval: 50,
    });
    await stack.waitReady('fake', 20_000);
  });

  it('down stops everything, and the daemon with it', async () => {
    const pids = (await stack.status()).flatMap((s) => (s.pid ? [s.pid] : []));
    expect(pids).toHaveLength(2);
    const daemon = daemonPid();
    await stack.down();
    for (const pid of pids) expect(alive(pid)).toBe(false);
    await vi.waitFor(() => expect(alive(daemon)).toBe(false), { timeout: 5000, interval: 50 });
  });
});
