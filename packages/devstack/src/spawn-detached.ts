import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import type { StartSpec } from './component';
import { writePidFile } from './processes';
import { timestamp } from './run-command';

/**
 * Starts a component's process in its own session, output appended to its log after a
 * start banner, and writes its pid file once it runs. Its own session: a Ctrl-C of
 * whoever ran `up` does not reach it, and it outlives the daemon (a restarted daemon
 * adopts it).
 */
export async function spawnDetached(
  name: string,
  spec: StartSpec,
  logFile: string,
  pidFile: string,
): Promise<ChildProcess> {
  appendFileSync(logFile, `\n===== ${timestamp()} devstack: starting ${name} =====\n`);
  const out = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', out, out],
    });
  } finally {
    closeSync(out);
  }
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(new Error(`${name}: ${spec.command} did not start: ${error.message}`)),
    );
  });
  writePidFile(pidFile, child.pid!);
  return child;
}
