import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';

export interface RunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Appends the command line and its output here instead of capturing it. */
  readonly logFile?: string;
  /** Written to the command's stdin. */
  readonly input?: string;
  readonly timeoutMs?: number;
}

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; never throws for a non-zero exit (see `runChecked`). */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.logFile)
      appendFileSync(options.logFile, `\n===== ${timestamp()} ${[command, ...args].join(' ')}\n`);
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.logFile) appendFileSync(options.logFile, chunk);
      else stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (options.logFile) appendFileSync(options.logFile, chunk);
      else stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    // A command that exits without reading its stdin (java -version) closes the pipe first:
    // the EPIPE that the write then meets is not an error of the command's, and unhandled
    // it would crash the whole process.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command and throws `what` failed, with the end of its output, unless it exits 0. */
export async function runChecked(
  what: string,
  command: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const result = await runCommand(command, args, options);
  if (result.code === 0) return result.stdout;
  const detail = options.logFile ? tailOf(options.logFile, 30) : `${result.stdout}${result.stderr}`.trim();
  throw new Error(`${what} failed (exit ${result.code})${detail ? `:\n${detail}` : ''}`);
}

/** Whether `command` is on PATH. */
export async function have(command: string): Promise<boolean> {
  return (await runCommand('sh', ['-c', `command -v "$0"`, command]).catch(() => ({ code: 1 }))).code === 0;
}

/** The last `lines` lines of a file, framed, or '' when there is no such file. */
export function tailOf(file: string, lines = 40): string {
  if (!existsSync(file)) return '';
  const text = readFileSync(file, 'utf8').split('\n');
  if (text.at(-1) === '') text.pop();
  return `----- last lines of ${file} -----\n${text.slice(-lines).join('\n')}\n-----`;
}

export function timestamp(date = new Date()): string {
  return date.toISOString().replace('T', ' ').slice(0, 19);
}

/** The last `bytes` of a file as text ('' when there is no such file): logs can be large. */
export function readTail(file: string, bytes = 4 * 1024 * 1024): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, bytes);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
