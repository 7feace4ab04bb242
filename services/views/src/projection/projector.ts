import type { TopicName } from '@order-platform/contracts';
import { topicHandler } from '@order-platform/service-kit';
import { type ConsumedMessage, FAILURE_HEADERS, type TopicHandler } from '@order-platform/messaging';
import type { PoolClient } from 'pg';
import { LIVE_SCHEMA, positionsTable, type ViewDefinition, type ViewSchema } from '../views/view';

/** The record an event came from on its catalogue topic (a retried one names it in headers). */
export interface SourceRecord {
  topic: TopicName;
  partition: number;
  offset: bigint;
  /** Read from a retry topic: applied whatever the view's position says. */
  retried: boolean;
}

function header(message: ConsumedMessage, name: string): string | undefined {
  const value = message.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

export function sourceRecord(topic: TopicName, message: ConsumedMessage): SourceRecord {
  if (message.topic === topic) {
    return { topic, partition: message.partition, offset: BigInt(message.offset), retried: false };
  }
  const partition = header(message, FAILURE_HEADERS.originalPartition);
  const offset = header(message, FAILURE_HEADERS.originalOffset);
  return {
    topic,
    partition: partition === undefined ? message.partition : Number(partition),
    offset: offset === undefined ? -1n : BigInt(offset),
    retried: true,
  };
}

/**
 * Where a projector writes: the live tables (`views`, with the projector's own positions
 * and only the views whose live tables match their code), or a replay's new tables
 * (`views_rebuild`, one view).
 */
export interface ProjectionTarget {
  schema: ViewSchema;
  /** The views to project into, for the event's topic; the live projector asks each transaction. */
  views: (tx: PoolClient, topic: TopicName) => Promise<readonly ViewDefinition[]>;
}

/**
 * Moves a view's position on the record's partition forward; false when the view has
 * already applied the record (a replay that ran ahead of the live projector and was
 * swapped in). A retried record is below the position but was never applied: it is
 * applied anyway, which the views' idempotent upserts allow.
 */
async function advance(
  tx: PoolClient,
  schema: ViewSchema,
  view: ViewDefinition,
  source: SourceRecord,
): Promise<boolean> {
  const moved = await tx.query(
    `insert into ${schema}.${positionsTable(view)} as p (topic, partition, "offset") values ($1, $2, $3)
     on conflict (topic, partition) do update set "offset" = excluded."offset"
       where p."offset" < excluded."offset"`,
    [source.topic, source.partition, source.offset.toString()],
  );
  return moved.rowCount !== 0 || source.retried;
}

/**
 * Records that the live projector has handled a record (whatever views it went to). Always
 * the first statement of a live transaction: a replay's swap locks this table, which
 * holds the live projector still, before anything else, while it swaps.
 */
async function recordProjectorPosition(tx: PoolClient, source: SourceRecord): Promise<void> {
  await tx.query(
    `insert into ${LIVE_SCHEMA}.projector_positions as p (topic, partition, "offset") values ($1, $2, $3)
     on conflict (topic, partition) do update set "offset" = greatest(p."offset", excluded."offset")`,
    [source.topic, source.partition, source.offset.toString()],
  );
}

/** The consumer handlers that project `topics` into `target`, through the messaging runtime. */
export function projectionHandlers(
  target: ProjectionTarget,
  topics: readonly TopicName[],
): TopicHandler<never>[] {
  return topics.map((topic) =>
    topicHandler(topic, async ({ tx, event, message }) => {
      const source = sourceRecord(topic, message);
      if (target.schema === LIVE_SCHEMA) await recordProjectorPosition(tx, source);
      for (const view of await target.views(tx, topic)) {
        if (!(await advance(tx, target.schema, view, source))) continue;
        await view.apply(tx, target.schema, topic, event);
      }
    }),
  );
}
