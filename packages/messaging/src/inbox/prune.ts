import type { KafkaClient } from '../kafka-client';
import type { Pool } from 'pg';

export interface PruneOptions {
  pool: Pool;
  kafka: KafkaClient;
  /** Grace period (ms): rows younger than this stay whatever the watermark says. */
  olderThanMs: number;
}

/**
 * Deletes transactions-table rows that can no longer guard against a redelivery.
 *
 * The rule: a message can come back only from an offset at or above its group's committed
 * offset for that partition (a restart, a rebalance, a crash before the offset commit).
 * Topics here keep their records forever (retention.ms=-1, for replay), so "older than the
 * topic's retention" never holds; the committed offset is the watermark instead. A row goes
 * only when its offset is below the group's committed offset for its topic-partition AND it
 * is older than the grace period (which covers an operator resetting a group's offsets a
 * little way back). A deliberate replay from offset 0 (views rebuild) uses a new group and
 * a new table, never this one.
 *
 * The per-aggregate positions are kept: they are what detects a stale message, however old.
 * Returns the number of rows deleted.
 */
export async function pruneTransactions({ pool, kafka, olderThanMs }: PruneOptions): Promise<number> {
  const { rows } = await pool.query<{ consumer_group: string; topic: string }>(
    'select distinct consumer_group, topic from message_transactions',
  );
  const groups = new Map<string, string[]>();
  for (const row of rows)
    groups.set(row.consumer_group, [...(groups.get(row.consumer_group) ?? []), row.topic]);
  if (groups.size === 0) return 0;
  return kafka.withAdmin(async (admin) => {
    let deleted = 0;
    for (const [groupId, topics] of groups) {
      for (const { topic, partition, offset } of await admin.committed(groupId, topics)) {
        if (offset < 0) continue;
        const result = await pool.query(
          `delete from message_transactions
            where consumer_group = $1 and topic = $2 and partition = $3 and "offset" < $4
              and processed_at < now() - make_interval(secs => $5::double precision / 1000)`,
          [groupId, topic, partition, offset, olderThanMs],
        );
        deleted += result.rowCount ?? 0;
      }
    }
    return deleted;
  });
}

/**
 * Deletes the calling service's outbox rows older than `olderThanMs`, through
 * housekeeping.prune_outbox (infra/postgres/init.sql): the services may only insert into
 * their outbox. Debezium reads rows from the WAL, not the table, so a committed row can go
 * at any time without affecting delivery; the retention only keeps recent rows around for
 * inspection. Returns the number of rows deleted.
 */
export async function pruneOutbox({
  pool,
  olderThanMs,
}: {
  /** A pool on the service's role, or one client already acting as it. */
  pool: Pick<Pool, 'query'>;
  olderThanMs: number;
}): Promise<number> {
  const { rows } = await pool.query<{ deleted: string }>(
    'select housekeeping.prune_outbox(make_interval(secs => $1::double precision / 1000)) as deleted',
    [olderThanMs],
  );
  return Number(rows[0]?.deleted ?? 0);
}
