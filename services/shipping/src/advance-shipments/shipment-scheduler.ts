import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CONFIG } from '@order-platform/service-kit';
import type { Config } from '../config';
import { AdvanceDueShipments } from './advance-due-shipments.handler';

/**
 * Polls for due shipments every SHIPPING_POLL_INTERVAL_MS. The schedule lives in the
 * shipments table, so a restarted (or another) instance continues where this one stopped.
 * A failed poll (database away) is logged and tried again, backing off up to
 * MAX_BACKOFF_MS while the failures last, so an outage does not turn into a storm of
 * connection attempts; the first good poll returns to the normal interval.
 */
const MAX_BACKOFF_MS = 5_000;

@Injectable()
export class ShipmentScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ShipmentScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastError: string | undefined;
  private failures = 0;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly advance: AdvanceDueShipments,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, this.delay());
  }

  private delay(): number {
    const interval = this.config.SHIPPING_POLL_INTERVAL_MS;
    if (this.failures === 0) return interval;
    return Math.max(interval, Math.min(MAX_BACKOFF_MS, interval * 2 ** Math.min(this.failures, 16)));
  }

  private async tick(): Promise<void> {
    try {
      await this.advance.run();
      if (this.lastError) this.logger.log('scheduler recovered');
      this.lastError = undefined;
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      const message = error instanceof Error ? error.message : String(error);
      // One line per distinct failure, not one per tick while the database is away.
      if (message !== this.lastError) this.logger.warn({ err: error }, `scheduler poll failed: ${message}`);
      this.lastError = message;
    }
  }
}
