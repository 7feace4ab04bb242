import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PgListener, type PostgresSettings } from '@order-platform/postgres';
import { PollLoop, type PollLoopOptions } from './poll-loop';

export interface PollerOptions extends Omit<PollLoopOptions, 'work' | 'logger'> {
  /** Default: a logger named after the subclass. */
  logger?: Logger;
  /** False leaves the loop off for the application's whole life. Default: true. */
  enabled?: boolean;
  /**
   * A NOTIFY channel that wakes the loop at once: the transactions that make work due
   * notify it, and the round starts when they commit rather than at the next interval.
   */
  wakeOn?: { channel: string; database: PostgresSettings };
}

/**
 * A provider whose work runs on a PollLoop for as long as the application does: the loop
 * starts once the application has bootstrapped and stops before it shuts down, letting the
 * round under way finish, so that round's work commits before the pool closes. A subclass
 * says how often (its options) and what one round does (`poll`).
 */
export abstract class Poller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private readonly loop: PollLoop;
  private readonly enabled: boolean;
  private readonly listener: PgListener | undefined;

  protected constructor(options: PollerOptions) {
    const { logger, enabled, wakeOn, ...loop } = options;
    this.logger = logger ?? new Logger(new.target.name);
    this.enabled = enabled ?? true;
    this.loop = new PollLoop({ ...loop, logger: this.logger, work: () => this.poll() });
    this.listener = wakeOn
      ? new PgListener(wakeOn.database, { channel: wakeOn.channel, onNotify: () => this.loop.wake() })
      : undefined;
  }

  /** One round of work; a rejection is logged and the loop goes on at the next round. */
  protected abstract poll(): Promise<unknown>;

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    this.loop.start();
    this.listener?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.listener?.stop();
    await this.loop.stop();
  }
}
