#!/usr/bin/env node
import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ControlServer } from './control-server';
import { daemonLogFile, daemonPidFile, socketPath } from './control-protocol';
import { isOurProcess } from './processes';
import { timestamp } from './run-command';
import { createContext } from './stack-context';

// The supervisor daemon of one STACK_DIR: started detached by the CLI or the client, it
// runs until everything is down. Stopping the daemon (SIGTERM) leaves the components
// running: the next daemon adopts them.
const ctx = createContext(process.env);
const logFile = daemonLogFile(ctx.stackDir);
const log = (line: string) => appendFileSync(logFile, `${timestamp()} ${line}\n`);
const pidFile = daemonPidFile(ctx.stackDir);
const socket = socketPath(ctx.stackDir);

function otherDaemon(): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    return pid !== process.pid && isOurProcess(pid, 'daemon.js') ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Two daemons starting at once: the pid file, created exclusively, decides which one stays. */
function claimPidFile(): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(pidFile, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const running = otherDaemon();
      if (running !== undefined) {
        log(`daemon: pid ${running} already supervises ${ctx.stackDir}; pid ${process.pid} leaves`);
        process.exit(0);
      }
      rmSync(pidFile, { force: true });
    }
  }
  throw new Error(`daemon: cannot claim ${pidFile}`);
}

claimPidFile();
rmSync(socket, { force: true });
log(`daemon: pid ${process.pid} supervises ${ctx.stackDir} (socket ${socket})`);

let closing = false;
let idleTimer: NodeJS.Timeout | undefined;
// Let the last answer reach its asker first, and stay for the next asker: a command that
// follows at once (`services down`, then `up`) must not reach a daemon on its way out.
const control = new ControlServer(ctx, log, () => {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    if (control.idle) shutdown('everything is down');
  }, 1000);
});

function shutdown(why: string): void {
  if (closing) return;
  closing = true;
  log(`daemon: exiting (${why})`);
  control.close();
  control.server.close();
  rmSync(socket, { force: true });
  if (otherDaemon() === undefined) rmSync(pidFile, { force: true });
  process.exit(0);
}

control.server.listen(socket);
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('uncaughtException', (error) => log(`daemon: uncaught ${error.stack ?? error.message}`));
process.on('unhandledRejection', (error) => log(`daemon: unhandled ${String(error)}`));
