import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CONFIG, PollLoop } from '@order-platform/service-kit';
import type { Config } from '../config';
import { AdvanceDueShipments } from './advance-due-shipments.handler';

/**
 * Polls for due shipments every SHIPPING_POLL_INTERVAL_MS. The schedule lives in the
 * shipments table, so a restarted (or another) instance continues where this one stopped.
 * A failed poll (database away) is logged and tried again, backing off up to 5 s while the
 * failures last.
 */
@Injectable()
export class ShipmentScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly loop: PollLoop;

  constructor(@Inject(CONFIG) config: Config, advance: AdvanceDueShipments) {
    this.loop = new PollLoop({
      name: 'scheduler',
      intervalMs: config.SHIPPING_POLL_INTERVAL_MS,
      maxBackoffMs: 5_000,
      work: () => advance.run(),
      logger: new Logger(ShipmentScheduler.name),
    });
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }
}
