import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Pool } from 'pg';
import { type KafkaClient, pruneTransactions, withTimeout } from '@order-platform/messaging';
import type { BaseConfig } from '../config';
import { MessagingLifecycle } from '../messaging/messaging.lifecycle';
import { Poller } from '../poll/poller';
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
export class InboxHousekeeping extends Poller {
  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    private readonly messaging: MessagingLifecycle,
  ) {
    super({
      name: 'housekeeping',
      intervalMs: config.HOUSEKEEPING_INTERVAL_MS,
      enabled: config.HOUSEKEEPING_INTERVAL_MS > 0,
      unref: true,
      logger: new Logger('Housekeeping'),
    });
  }

  protected poll(): Promise<number | undefined> {
    return this.runOnce();
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
}
