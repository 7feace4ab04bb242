import type { Client } from 'pg';
import { escapeIdentifier } from 'pg';
import { createClient, type PostgresSettings } from './pool';

export interface ListenerOptions {
  /** The NOTIFY channel. */
  channel: string;
  /**
   * Called for every notification, and after every (re)connection: what was notified
   * while the connection was down is lost, so the listener's owner looks for itself then.
   */
  onNotify: () => void;
  /** Wait before reconnecting, doubling per failure up to maxBackoffMs. Defaults 200 and 5,000. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * LISTEN on one channel over a connection of its own, made again whenever it drops
 * (Postgres restarted, the backend terminated). NOTIFY is delivered when the notifying
 * transaction commits, so a poll loop woken by it starts exactly when its work became
 * visible, instead of at its next interval; the loop's own interval stays the safety net.
 */
export class PgListener {
  private stopped = true;
  private client: Client | undefined;
  private running: Promise<void> | undefined;
  private wakeSleeper: (() => void) | undefined;

  constructor(
    private readonly settings: PostgresSettings,
    private readonly options: ListenerOptions,
  ) {}

  /** Whether the LISTEN is in place now. */
  get listening(): boolean {
    return this.client !== undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeSleeper?.();
    await this.client?.end().catch(() => undefined);
    await this.running;
  }

  private async run(): Promise<void> {
    const { backoffMs = 200, maxBackoffMs = 5_000 } = this.options;
    let failures = 0;
    while (!this.stopped) {
      const lost = await this.listenOnce();
      if (this.stopped) return;
      failures = lost === 'after-listening' ? 0 : failures + 1;
      await this.sleep(Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(failures, 16)));
    }
  }

  /** One connection's life: until it ends, whether it got as far as listening. */
  private async listenOnce(): Promise<'before-listening' | 'after-listening'> {
    const client = createClient(this.settings);
    const ended = new Promise<void>((resolve) => {
      client.once('end', resolve);
      client.once('error', () => resolve());
    });
    try {
      await client.connect();
      await client.query(`listen ${escapeIdentifier(this.options.channel)}`);
    } catch {
      await client.end().catch(() => undefined);
      return 'before-listening';
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return 'after-listening';
    }
    client.on('notification', () => this.options.onNotify());
    this.client = client;
    this.options.onNotify();
    await ended;
    this.client = undefined;
    await client.end().catch(() => undefined);
    return 'after-listening';
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeSleeper = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
