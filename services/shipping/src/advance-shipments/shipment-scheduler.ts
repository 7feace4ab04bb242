import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, Poller } from '@order-platform/service-kit';
import type { Config } from '../config';
import { AdvanceDueShipments } from './advance-due-shipments.handler';

/**
 * Polls for due shipments every SHIPPING_POLL_INTERVAL_MS. The schedule lives in the
 * shipments table, so a restarted (or another) instance continues where this one stopped.
 * A failed poll (database away) is logged and tried again, backing off up to 5 s while the
 * failures last.
 */
@Injectable()
export class ShipmentScheduler extends Poller {
  constructor(
    @Inject(CONFIG) config: Config,
    private readonly advance: AdvanceDueShipments,
  ) {
    super({ name: 'scheduler', intervalMs: config.SHIPPING_POLL_INTERVAL_MS, maxBackoffMs: 5_000 });
  }

  protected poll(): Promise<number> {
    return this.advance.run();
  }
}
