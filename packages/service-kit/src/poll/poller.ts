import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { PollLoop, type PollLoopOptions } from './poll-loop';

export interface PollerOptions extends Omit<PollLoopOptions, 'work' | 'logger'> {
  /** Default: a logger named after the subclass. */
  logger?: Logger;
  /** False leaves the loop off for the application's whole life. Default: true. */
  enabled?: boolean;
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

  protected constructor(options: PollerOptions) {
    const { logger, enabled, ...loop } = options;
    this.logger = logger ?? new Logger(new.target.name);
    this.enabled = enabled ?? true;
    this.loop = new PollLoop({ ...loop, logger: this.logger, work: () => this.poll() });
  }

  /** One round of work; a rejection is logged and the loop goes on at the next round. */
  protected abstract poll(): Promise<unknown>;

  onApplicationBootstrap(): void {
    if (this.enabled) this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }
}
