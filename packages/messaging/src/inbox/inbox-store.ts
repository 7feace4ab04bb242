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
 * Writes the inbox row (tables: ./migrations.ts) and decides, in one round trip: duplicate
 * (row already there), stale (not newer than the last applied message of its aggregate:
 * compared by sequence, then dispatch time; recorded as such), or new.
 *
 * The position moves first, only for a message newer than the aggregate's last one, and
 * the inbox row records whether it did. A duplicate never moves it: when it was first
 * handled the position became its own or was already past it, and positions only grow.
 * The position's row lock orders two instances that briefly both hold the aggregate's
 * partition around a rebalance: the second waits, then finds the position at the message
 * (not newer) and its inbox row present (a duplicate).
 */
export async function recordInInbox(client: PoolClient, entry: InboxEntry): Promise<InboxVerdict> {
  const { groupId, identity } = entry;
  const recorded = await client.query<{ outcome: 'applied' | 'stale' }>(
    `with moved as (
       insert into message_aggregate_positions as p
         (consumer_group, topic, aggregate_id, sequence, occurred_at, message_id)
       values ($1, $9, $6, $7, $8, $2)
       on conflict (consumer_group, topic, aggregate_id) do update
         set sequence = excluded.sequence, occurred_at = excluded.occurred_at,
             message_id = excluded.message_id, updated_at = now()
         where (excluded.sequence, excluded.occurred_at) > (p.sequence, p.occurred_at)
       returning 1
     )
     insert into message_transactions
       (consumer_group, message_id, topic, partition, "offset", aggregate_id, sequence, occurred_at, outcome)
     values ($1, $2, $3, $4, $5, $6, $7, $8,
             case when exists (select from moved) then 'applied' else 'stale' end)
     on conflict (consumer_group, message_id) do nothing
     returning outcome`,
    [
      groupId,
      identity.eventId,
      entry.topic,
      entry.partition,
      entry.offset,
      identity.aggregateId,
      identity.sequence.toString(),
      identity.occurredAt,
      entry.declaredTopic,
    ],
  );
  const outcome = recorded.rows[0]?.outcome;
  if (outcome === undefined) return 'duplicate';
  return outcome === 'applied' ? 'new' : 'stale';
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
