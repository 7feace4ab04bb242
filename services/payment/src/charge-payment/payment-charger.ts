import { type BeforeApplicationShutdown, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { ChargeDuePayments } from './charge-due-payments.handler';

/**
 * Works the due payments every `intervalMs`, as shipping's scheduler works its shipments.
 * The intents live in the payments table, so a restarted (or another) instance continues
 * where this one stopped. It waits for `started()` (the service's migrations applied) before
 * its first poll; a failed poll (database away) is logged and tried again at the next tick. On shutdown it lets the attempts under way
 * record their outcome before the pool closes.
 */
export class PaymentCharger implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PaymentCharger.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastError: string | undefined;

  constructor(
    private readonly charge: ChargeDuePayments,
    private readonly intervalMs: number,
    private readonly started: () => boolean,
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
    }, this.intervalMs);
  }

  private async tick(): Promise<void> {
    if (!this.started()) return;
    try {
      await this.charge.run();
      if (this.lastError) this.logger.log('charger recovered');
      this.lastError = undefined;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // One line per distinct failure, not one per tick while the database is away.
      if (message !== this.lastError)
        this.logger.warn({ err: error, msg: `charger poll failed: ${message}` });
      this.lastError = message;
    }
  }
}
