import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { type ControlMessage, daemonLogFile, socketPath } from './control-protocol';
import { prepareStackDir } from './stack-context';

export interface Output {
  /** Progress lines (the CLI prints them on stderr). */
  log(line: string): void;
  /** Result lines: info and status lines (the CLI prints them on stdout). */
  out(line: string): void;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The built daemon beside this file's package (src/ and dist/ share the package root). */
function daemonScript(): string {
  return join(resolve(__dirname, '..'), 'dist', 'daemon.js');
}

/** Talks to the daemon of one stack directory over its socket, starting the daemon when none answers. */
export class DaemonConnection {
  private readonly socket: string;

  constructor(
    readonly stackDir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly output: Output,
  ) {
    this.socket = socketPath(stackDir);
  }

  async get<T>(path: string): Promise<T> {
    await this.ensureDaemon();
    return this.call<T>('GET', path);
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    await this.ensureDaemon();
    return this.call<T>('POST', path, body);
  }

  /** A long operation: prints its messages as they come, resolves with its result or rejects with its error. */
  async stream<T>(path: string, body: unknown): Promise<T> {
    await this.ensureDaemon();
    const messages = await this.raw('POST', path, body, (m) => {
      if (m.t === 'log') this.output.log(m.line);
      if (m.t === 'out') this.output.out(m.line);
    });
    const last = messages.at(-1);
    if (last?.t === 'error') throw new Error(last.message);
    if (last?.t !== 'done')
      throw new Error(
        `the devstack daemon ended ${path} without an answer (see ${daemonLogFile(this.stackDir)})`,
      );
    return last.result as T;
  }

  /** The environment as the daemon should see it (strings only). */
  environment(): Record<string, string> {
    return Object.fromEntries(
      Object.entries(this.env).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }

  async ensureDaemon(): Promise<void> {
    if (await this.answers()) return;
    const script = daemonScript();
    if (!existsSync(script))
      throw new Error(`${script} is missing: build @order-platform/devstack first (pnpm build)`);
    prepareStackDir(this.stackDir);
    const out = openSync(daemonLogFile(this.stackDir), 'a');
    try {
      const child = spawn(process.execPath, [script], {
        env: { ...this.environment(), STACK_DIR: this.stackDir },
        detached: true,
        stdio: ['ignore', out, out],
      });
      child.unref();
    } finally {
      closeSync(out);
    }
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (await this.answers()) return;
      await sleep(100);
    }
    throw new Error(
      `the devstack daemon did not answer on ${this.socket} (see ${daemonLogFile(this.stackDir)})`,
    );
  }

  async answers(): Promise<boolean> {
    try {
      const hello = await this.call<{ stackDir: string }>('GET', '/hello', undefined, 2000);
      return hello.stackDir === this.stackDir;
    } catch {
      return false;
    }
  }

  private async call<T>(method: string, path: string, body?: unknown, timeoutMs = 60_000): Promise<T> {
    const text = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request({ socketPath: this.socket, method, path, timeout: timeoutMs }, (res) => {
        let data = '';
        res.on('data', (chunk: Buffer) => (data += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: data }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
    const value = JSON.parse(text.text || 'null') as T & { error?: string };
    if (text.status !== 200) throw new Error(value?.error ?? `${method} ${path} answered ${text.status}`);
    return value;
  }

  private raw(
    method: string,
    path: string,
    body: unknown,
    onMessage: (m: ControlMessage) => void,
  ): Promise<ControlMessage[]> {
    return new Promise((resolve, reject) => {
      const messages: ControlMessage[] = [];
      const req = request({ socketPath: this.socket, method, path }, (res) => {
        let buffer = '';
        res.on('data', (chunk: Buffer) => {
          buffer += chunk.toString();
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (!line) continue;
            const message = JSON.parse(line) as ControlMessage;
            messages.push(message);
            onMessage(message);
          }
        });
        res.on('end', () => {
          if (res.statusCode !== 200)
            reject(new Error(`${method} ${path} answered ${res.statusCode}: ${buffer}`));
          else resolve(messages);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }
}
