import { Logger } from '@nestjs/common';
import { pruneOutbox } from '@order-platform/messaging';
import { withTransaction } from '@order-platform/postgres';
import { escapeIdentifier, type Pool } from 'pg';
import type { CdcWatchdog } from '../watch/cdc-watchdog';

/**
 * Deletes captured outbox rows on a schedule, through the one pruning path
 * (housekeeping.prune_outbox via messaging's pruneOutbox). That function prunes the outbox
 * of the schema named after the calling role, so for each captured table the admin
 * connection acts as the owning service's role for one transaction (SET LOCAL SESSION
 * AUTHORIZATION, which needs the superuser the watchdog connects as today).
 */
export class OutboxHousekeeping {
  private readonly logger = new Logger('OutboxHousekeeping');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    private readonly watchdog: CdcWatchdog,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.prune()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error({ err: error }, 'outbox housekeeping failed'))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Returns the rows deleted per table; none when CDC is not current. */
  async prune(): Promise<Record<string, number>> {
    const age = this.watchdog.pruneAge();
    if ('skip' in age) {
      this.logger.debug({ because: age.skip }, 'outbox housekeeping skipped');
      return {};
    }
    const deleted: Record<string, number> = {};
    for (const table of this.watchdog.tables) {
      const [schema] = table.split('.');
      if (!schema) continue;
      try {
        deleted[table] = await withTransaction(this.pool, async (tx) => {
          await tx.query(`set local session authorization ${escapeIdentifier(schema)}`);
          return pruneOutbox({ pool: tx, olderThanMs: age.olderThanMs });
        });
      } catch (error) {
        this.logger.warn({ err: error, table }, 'cannot prune this outbox');
      }
    }
    const total = Object.values(deleted).reduce((a, b) => a + b, 0);
    if (total > 0) this.logger.log({ deleted, olderThanMs: age.olderThanMs }, 'pruned captured outbox rows');
    return deleted;
  }
}
