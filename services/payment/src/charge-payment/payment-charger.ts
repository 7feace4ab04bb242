import { Poller } from '@order-platform/service-kit';
import type { ChargeDuePayments } from './charge-due-payments.handler';

/**
 * Works the due payments every `intervalMs`, as shipping's scheduler works its shipments.
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
  ) {
    super({ name: 'charger', intervalMs, maxBackoffMs: 5_000, ready: started });
  }

  protected poll(): Promise<number> {
    return this.charge.run();
  }
}
