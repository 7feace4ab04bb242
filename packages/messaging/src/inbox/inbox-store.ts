import type { PoolClient } from 'pg';
import type { MessageIdentity } from '../consumer/types';

/** What the inbox says about a message: new (apply it), already handled, or older than the last applied. */
export type InboxVerdict = 'new' | 'duplicate' | 'stale';

export interface InboxEntry {
  groupId: string;
  /** The topic the handler is declared for (a retry topic's original): stale detection is per declared topic. */
  declaredTopic: string;
  topic: string;
  partition: number;
  offset: string;
  identity: MessageIdentity;
}

/**
 * Writes the inbox row (tables: ./migrations.ts) and decides: duplicate (row already
 * there), stale (not newer than the last applied message of its aggregate: compared by
 * sequence, then dispatch time; recorded as such), or new.
 */
export async function recordInInbox(client: PoolClient, entry: InboxEntry): Promise<InboxVerdict> {
  const { groupId, identity } = entry;
  const inserted = await client.query(
    `insert into message_transactions
       (consumer_group, message_id, topic, partition, "offset", aggregate_id, sequence, occurred_at, outcome)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'applied')
     on conflict (consumer_group, message_id) do nothing`,
    [
      groupId,
      identity.eventId,
      entry.topic,
      entry.partition,
      entry.offset,
      identity.aggregateId,
      identity.sequence.toString(),
      identity.occurredAt,
    ],
  );
  if (inserted.rowCount === 0) return 'duplicate';
  // One statement both checks and moves the position, and its row lock orders two
  // instances that briefly both hold the aggregate's partition around a rebalance.
  const newer = await client.query(
    `insert into message_aggregate_positions as p (consumer_group, topic, aggregate_id, sequence, occurred_at, message_id)
     values ($1, $2, $3, $4, $5, $6)
     on conflict (consumer_group, topic, aggregate_id) do update
       set sequence = excluded.sequence, occurred_at = excluded.occurred_at,
           message_id = excluded.message_id, updated_at = now()
       where (excluded.sequence, excluded.occurred_at) > (p.sequence, p.occurred_at)`,
    [
      groupId,
      entry.declaredTopic,
      identity.aggregateId,
      identity.sequence.toString(),
      identity.occurredAt,
      identity.eventId,
    ],
  );
  if (newer.rowCount === 0) {
    await client.query(
      `update message_transactions set outcome = 'stale' where consumer_group = $1 and message_id = $2`,
      [groupId, identity.eventId],
    );
    return 'stale';
  }
  return 'new';
}

/**
 * Forgets what a consumer group's inbox knows: its transactions-table rows and its
 * aggregates' positions. For a group that starts again from offset 0 on purpose (a view's
 * rebuild), so that its earlier run's rows do not mark every message a duplicate.
 */
export async function forgetConsumerGroup(db: Pick<PoolClient, 'query'>, groupId: string): Promise<void> {
  await db.query('delete from message_transactions where consumer_group = $1', [groupId]);
  await db.query('delete from message_aggregate_positions where consumer_group = $1', [groupId]);
}
