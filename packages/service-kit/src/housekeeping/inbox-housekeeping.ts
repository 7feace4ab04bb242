import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { type Kafka, pruneTransactions, withTimeout } from '@order-platform/messaging';
import type { BaseConfig } from '../config';
import { MessagingLifecycle } from '../messaging/messaging.lifecycle';
import { CONFIG, KAFKA, PG_POOL } from '../tokens';

/** A prune round that has not finished by then is abandoned and logged; the next round tries again. */
const ROUND_TIMEOUT_MS = 60_000;

/**
 * Housekeeping on a schedule, in every service: every HOUSEKEEPING_INTERVAL_MS the inbox
 * rows that can no longer guard against a redelivery are deleted (messaging's
 * pruneTransactions: below the group's committed offset and older than
 * INBOX_RETENTION_MS). A failed round (database or Kafka away) is logged and the schedule
 * goes on; it waits until messaging is running, so the tables exist.
 */
@Injectable()
export class InboxHousekeeping implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Housekeeping');
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly messaging: MessagingLifecycle,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.HOUSEKEEPING_INTERVAL_MS > 0) this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One round now: the number of inbox rows deleted (undefined while messaging is not running yet). */
  async runOnce(): Promise<number | undefined> {
    if (this.messaging.current.status !== 'running') return undefined;
    const deleted = await withTimeout(
      pruneTransactions({ pool: this.pool, kafka: this.kafka, olderThanMs: this.config.INBOX_RETENTION_MS }),
      ROUND_TIMEOUT_MS,
      'inbox pruning',
    );
    if (deleted > 0) this.logger.log({ deleted, msg: 'inbox rows pruned' });
    return deleted;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.round = this.runOnce()
        .then(
          () => undefined,
          (error: unknown) =>
            this.logger.warn(
              `housekeeping round failed: ${error instanceof Error ? error.message : String(error)}`,
            ),
        )
        .finally(() => {
          this.round = undefined;
          this.schedule();
        });
    }, this.config.HOUSEKEEPING_INTERVAL_MS);
    this.timer.unref();
  }
}
