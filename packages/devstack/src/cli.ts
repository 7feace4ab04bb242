#!/usr/bin/env node
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { processNames } from '@order-platform/topology';
import { type Command, parseArgs, usage, UsageError } from './cli-args';
import type { Component, StackContext } from './component';
import { serviceComponents, stackComponents } from './components/catalogue';
import { DevStack } from './devstack-client';
import { runningPid, rssMiB } from './processes';
import { readTail } from './run-command';
import { createContext, logFileOf, pidFileOf, version } from './stack-context';
import type { ComponentStatus } from './supervisor';
import { DaemonConnection } from './daemon-connection';

const print = (line: string) => process.stdout.write(`${line}\n`);
const output = { log: (line: string) => process.stderr.write(`[devstack] ${line}\n`), out: print };

function statusLine(s: ComponentStatus): string {
  const ports = `127.0.0.1:${s.ports.join(',')}`;
  const pid = s.pid !== undefined ? String(s.pid) : '-';
  const rss = s.rssMiB !== undefined ? `  rss ${s.rssMiB} MiB` : '';
  const ready = s.pid !== undefined ? (s.ready ? '  ready' : '  not ready') : '';
  return `${s.name.padEnd(16)} ${s.state.padEnd(8)} pid ${pid.padEnd(8)} restarts ${String(s.restarts).padEnd(3)} ${ports.padEnd(28)}${rss}${ready}`;
}

/** Without a daemon nothing is supervised: the pid files say what still runs. */
function localStatus(ctx: StackContext, components: Component[]): ComponentStatus[] {
  return components.map((c) => {
    const pid = runningPid(pidFileOf(ctx, c), c.identity());
    return {
      name: c.name,
      kind: c.kind,
      state: pid !== undefined ? 'running' : 'stopped',
      restarts: 0,
      ready: false,
      ports: c.ports,
      ...(pid !== undefined ? { pid, rssMiB: rssMiB(pid) } : {}),
    };
  });
}

async function statusRows(ctx: StackContext): Promise<ComponentStatus[]> {
  const connection = new DaemonConnection(ctx.stackDir, ctx.env, output);
  if (await connection.answers()) return connection.get<ComponentStatus[]>('/status');
  return localStatus(ctx, [...stackComponents(ctx), ...serviceComponents(ctx)]);
}

function find(ctx: StackContext, name: string): Component {
  const found = [...stackComponents(ctx), ...serviceComponents(ctx)].find((c) => c.name === name);
  if (!found) throw new UsageError(`unknown component '${name}'`);
  return found;
}

async function versions(ctx: StackContext): Promise<void> {
  const v = (name: string) => version(ctx, name);
  print('configured (infra/versions.env):');
  print(
    `  postgres ${v('POSTGRES_MAJOR')}, kafka ${v('KAFKA_VERSION')} (scala ${v('SCALA_BINARY_VERSION')}), debezium ${v('DEBEZIUM_VERSION')}, apicurio registry ${v('APICURIO_VERSION')}, maildev ${v('MAILDEV_VERSION')}`,
  );
  print('running:');
  for (const c of stackComponents(ctx)) {
    const running = runningPid(pidFileOf(ctx, c), c.identity()) !== undefined && (await c.ready());
    print(running ? `  ${await c.info()}` : `  ${c.name.padEnd(9)} not running`);
  }
}

function logs(ctx: StackContext, name: string, follow: boolean): Promise<void> {
  const file = logFileOf(ctx, find(ctx, name));
  if (!existsSync(file)) throw new Error(`${name}: no log yet (${file})`);
  if (!follow) {
    const lines = readTail(file, 1024 * 1024).split('\n');
    if (lines.at(-1) === '') lines.pop();
    process.stdout.write(`${lines.slice(-Number(ctx.env.LOG_LINES ?? 200)).join('\n')}\n`);
    return Promise.resolve();
  }
  return new Promise((resolve) =>
    spawn('tail', ['-n', '100', '-F', file], { stdio: 'inherit' }).once('exit', () => resolve()),
  );
}

async function run(command: Command, ctx: StackContext): Promise<number> {
  const stack = () => DevStack.connect({ stackDir: ctx.stackDir, env: ctx.env, output });
  switch (command.cmd) {
    case 'help':
      print(usage);
      return 0;
    case 'up':
      await stack().up(command.names);
      return 0;
    case 'install':
      // No daemon: the same install hooks `up` runs, and nothing started (docker builds).
      for (const c of stackComponents(ctx).filter(
        (c) => command.names.length === 0 || command.names.includes(c.name),
      )) {
        await c.install();
        output.log(`${c.name}: installed`);
      }
      return 0;
    case 'down':
      await stack().down(command.names, { wipe: command.wipe });
      return 0;
    case 'status':
      for (const row of await statusRows(ctx)) print(statusLine(row));
      return 0;
    case 'pid': {
      const c = find(ctx, command.name);
      const pid = runningPid(pidFileOf(ctx, c), c.identity());
      if (pid === undefined) return 1;
      print(String(pid));
      return 0;
    }
    case 'logs':
      await logs(ctx, command.name, command.follow);
      return 0;
    case 'versions':
      await versions(ctx);
      return 0;
    case 'kill':
      await stack().kill(command.name, command.signal);
      return 0;
    case 'hold':
      await stack().hold(command.name);
      return 0;
    case 'release':
      await stack().release(command.name);
      return 0;
    case 'services':
      if (command.action === 'up') await stack().servicesUp();
      else if (command.action === 'down') await stack().servicesDown();
      else {
        for (const row of (await statusRows(ctx)).filter((r) => r.kind === 'service')) print(statusLine(row));
      }
      return 0;
  }
}

async function main(argv: string[]): Promise<number> {
  let ctx: StackContext;
  let command: Command;
  try {
    ctx = createContext(process.env);
    command = parseArgs(argv, {
      stack: stackComponents(ctx).map((c) => c.name),
      services: [...processNames],
    });
  } catch (error) {
    process.stderr.write(`devstack: ${(error as Error).message}\n`);
    if (error instanceof UsageError) process.stderr.write('(devstack --help lists the commands)\n');
    return 2;
  }
  try {
    return await run(command, ctx);
  } catch (error) {
    process.stderr.write(`[devstack] ERROR: ${(error as Error).message}\n`);
    return 1;
  }
}

// `devstack status | head` closes stdout early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`devstack: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  },
);
