import { type IncomingMessage, type ServerResponse, createServer, type Server } from 'node:http';
import type { StackContext } from './component';
import type {
  ControlMessage,
  DownRequest,
  KillRequest,
  NameRequest,
  ServicesUpRequest,
  UpRequest,
  WaitReadyRequest,
} from './control-protocol';
import { createContext } from './stack-context';
import { StackOperations } from './stack-operations';
import { Supervisor } from './supervisor';

type Send = (message: ControlMessage) => void;

async function body<T>(req: IncomingMessage): Promise<T> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return (text ? JSON.parse(text) : {}) as T;
}

/** The daemon's control API: the supervisor and the stack operations behind HTTP on a socket. */
export class ControlServer {
  readonly server: Server;
  private readonly supervisor: Supervisor;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: StackContext,
    private readonly log: (line: string) => void,
    private readonly onIdle: () => void,
  ) {
    this.supervisor = new Supervisor(ctx, log);
    new StackOperations(this.supervisor, () => undefined).registerAll(ctx);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  close(): void {
    this.supervisor.close();
  }

  /** Nothing supervised and no request being answered: the daemon may go. */
  get idle(): boolean {
    return this.inFlight === 0 && this.supervisor.idle();
  }

  private inFlight = 0;

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.inFlight += 1;
    res.once('close', () => (this.inFlight -= 1));
    const route = `${req.method} ${req.url}`;
    try {
      switch (route) {
        case 'GET /hello':
          return json(res, { stackDir: this.ctx.stackDir, pid: process.pid });
        case 'GET /status':
          return json(res, this.supervisor.status());
        case 'POST /kill': {
          const { name, signal } = await body<KillRequest>(req);
          return json(res, { pid: await this.supervisor.kill(name, signal) });
        }
        case 'POST /wait-ready': {
          const { name, timeoutMs } = await body<WaitReadyRequest>(req);
          return this.stream(res, () => this.supervisor.waitReady(name, timeoutMs), false);
        }
        case 'POST /hold': {
          const { name } = await body<NameRequest>(req);
          return this.stream(res, () => this.supervisor.stop(name, true));
        }
        case 'POST /release': {
          const { name } = await body<NameRequest>(req);
          return this.stream(res, (ops) => ops.release(name));
        }
        case 'POST /up': {
          const { names, env } = await body<UpRequest>(req);
          return this.stream(res, (ops, send) => ops.up(this.requestContext(env, send), names));
        }
        case 'POST /down': {
          const { names, env, wipe } = await body<DownRequest>(req);
          return this.stream(res, (ops, send) => ops.down(this.requestContext(env, send), names, wipe));
        }
        case 'POST /services/up': {
          const { env, overrides } = await body<ServicesUpRequest>(req);
          return this.stream(res, (ops, send) => ops.servicesUp(this.requestContext(env, send), overrides));
        }
        case 'POST /services/down': {
          const { env } = await body<{ env: Record<string, string> }>(req);
          return this.stream(res, (ops, send) => ops.servicesDown(this.requestContext(env, send)));
        }
        default:
          res.writeHead(404).end(JSON.stringify({ error: `no route ${route}` }));
      }
    } catch (error) {
      res
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: (error as Error).message }));
    }
  }

  /** The asker's settings (ports, heaps, MAVEN_ARGS …) on this daemon's stack directory. */
  private requestContext(env: Record<string, string>, send: Send): StackContext {
    return createContext({ ...env, STACK_DIR: this.ctx.stackDir }, (line) => {
      this.log(line);
      send({ t: 'log', line });
    });
  }

  /** Runs an operation (one at a time when `serial`), streaming its messages as NDJSON. */
  private stream(
    res: ServerResponse,
    work: (ops: StackOperations, send: Send) => Promise<unknown>,
    serial = true,
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const send: Send = (message) => {
      if (!res.writableEnded) res.write(`${JSON.stringify(message)}\n`);
    };
    const ops = new StackOperations(this.supervisor, (line) => {
      this.log(line);
      send({ t: 'out', line });
    });
    const run = () =>
      work(ops, send).then(
        (result) => send({ t: 'done', result }),
        (error: Error) => {
          this.log(`ERROR: ${error.message}`);
          send({ t: 'error', message: error.message });
        },
      );
    const done = serial ? (this.queue = this.queue.then(run)) : run();
    return done.then(() => {
      res.end();
      if (this.supervisor.idle()) this.onIdle();
    });
  }
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}
