import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The daemon answers on a unix socket in the stack's run/ directory: one daemon per
 * STACK_DIR, no port to choose or collide on. A path too long for a socket (107 bytes)
 * moves to the temp dir under a hash of the stack directory.
 */
export function socketPath(stackDir: string): string {
  const path = join(stackDir, 'run', 'devstack.sock');
  if (path.length <= 100) return path;
  return join(tmpdir(), `devstack-${createHash('sha256').update(stackDir).digest('hex').slice(0, 12)}.sock`);
}

export function daemonPidFile(stackDir: string): string {
  return join(stackDir, 'run', 'devstack.pid');
}

export function daemonLogFile(stackDir: string): string {
  return join(stackDir, 'logs', 'devstack.log');
}

/**
 * Long operations answer as NDJSON, one message a line: progress (`log`, for stderr),
 * results (`out`, for stdout), then `done` with the result or `error`.
 */
export type ControlMessage =
  | { t: 'log'; line: string }
  | { t: 'out'; line: string }
  | { t: 'done'; result?: unknown }
  | { t: 'error'; message: string };

export interface UpRequest {
  names: string[];
  env: Record<string, string>;
}
export interface DownRequest extends UpRequest {
  wipe: boolean;
}
export interface ServicesUpRequest {
  env: Record<string, string>;
  overrides: Record<string, Record<string, string>>;
}
export interface NameRequest {
  name: string;
}
export interface KillRequest extends NameRequest {
  signal: NodeJS.Signals;
}
export interface WaitReadyRequest extends NameRequest {
  timeoutMs?: number;
}
