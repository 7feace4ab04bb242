import type { PostgresSettings } from '@order-platform/postgres';
import { Poller } from '@order-platform/service-kit';
import { PAYMENTS_DUE_CHANNEL } from '../db/payments.repository';
import type { ChargeDuePayments } from './charge-due-payments.handler';

/**
 * Works the due payments the moment an intent commits (it NOTIFYs PAYMENTS_DUE_CHANNEL,
 * which wakes the loop), and every `intervalMs` besides, as shipping's scheduler works its
 * shipments: the interval finds the retries that came due and anything a lost
 * notification missed.
 * The intents live in the payments table, so a restarted (or another) instance continues
 * where this one stopped. It waits for `started()` (the service's migrations applied)
 * before its first poll; a failed poll (database away) is logged and tried again, backing
 * off up to 5 s. On shutdown it lets the attempts under way record their outcome before
 * the pool closes.
 */
export class PaymentCharger extends Poller {
  constructor(
    private readonly charge: ChargeDuePayments,
    intervalMs: number,
    started: () => boolean,
    database: PostgresSettings,
  ) {
    super({
      name: 'charger',
      intervalMs,
      maxBackoffMs: 5_000,
      ready: started,
      wakeOn: { channel: PAYMENTS_DUE_CHANNEL, database },
    });
  }

  protected poll(): Promise<number> {
    return this.charge.run();
  }
}
