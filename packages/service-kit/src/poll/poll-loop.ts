/** Where a loop's two kinds of line go (Nest's Logger fits). */
export interface PollLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface PollLoopOptions {
  /** Names the loop in its log lines: "<name> poll failed: …", "<name> recovered". */
  name: string;
  intervalMs: number;
  /** One round of work. A rejection is logged and the loop goes on at the next round. */
  work: () => Promise<unknown>;
  /** Rounds are skipped until this holds (for example, the service's migrations applied). */
  ready?: () => boolean;
  /**
   * While rounds fail, the wait doubles up to this, so an outage does not become a storm of
   * connection attempts; the first good round returns to the interval. Default: no backoff.
   */
  maxBackoffMs?: number;
  /** Do not keep the process alive for this loop alone. */
  unref?: boolean;
  logger: PollLogger;
}

/**
 * The one poll loop of the services: a round, then a pause, then the next round, never two
 * rounds at once. Failures are logged once per distinct message, not once per round while a
 * dependency is away. `stop` lets the round under way finish, so its work can commit
 * before the pool closes.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;
  private lastError: string | undefined;
  private failures = 0;
  /** A wake came while a round ran: the next round starts right after it. */
  private woken = false;

  constructor(private readonly options: PollLoopOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /**
   * Runs a round now instead of at the next interval (work became due: another
   * transaction said so). During a round, the next one follows it at once; rounds still
   * never overlap. A wake during a failure backoff is honoured too: it comes from the
   * database the rounds need, so that database answers again.
   */
  wake(): void {
    if (this.stopped) return;
    if (this.round) {
      this.woken = true;
      return;
    }
    clearTimeout(this.timer);
    this.schedule(0);
  }

  /** How long to wait before the next round. */
  delay(): number {
    const { intervalMs, maxBackoffMs } = this.options;
    if (this.failures === 0 || maxBackoffMs === undefined) return intervalMs;
    return Math.max(intervalMs, Math.min(maxBackoffMs, intervalMs * 2 ** Math.min(this.failures, 16)));
  }

  private schedule(delay = this.delay()): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.tick().finally(() => {
        this.round = undefined;
        const again = this.woken;
        this.woken = false;
        this.schedule(again ? 0 : this.delay());
      });
    }, delay);
    if (this.options.unref) this.timer.unref();
  }

  private async tick(): Promise<void> {
    const { name, ready, work, logger } = this.options;
    if (ready && !ready()) return;
    try {
      await work();
      if (this.lastError) logger.log(`${name} recovered`);
      this.lastError = undefined;
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) logger.warn(`${name} poll failed: ${message}`);
      this.lastError = message;
    }
  }
}
