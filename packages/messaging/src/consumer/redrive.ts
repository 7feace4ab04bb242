import type { Kafka } from 'kafkajs';
import { sleep } from './backoff';
import { deadLetterTopicName, HEADERS, headerText } from './failure-topics';
import { TransactionalMover } from './transactional-mover';

export interface RedriveOptions {
  kafka: Kafka;
  /** The consumer group whose dead letters to send back. */
  groupId: string;
  /** The original topic (the dead-letter topic is derived from group and topic). */
  topic: string;
  /** Stop after this many messages (default: everything there when the redrive started). */
  limit?: number;
  /** Give up on partitions that yield no record for this long (ms). */
  idleMs?: number;
}

/**
 * Sends dead letters back to their original topic, each in a Kafka transaction together with
 * the redrive group's offset on the dead-letter topic, so a message is redriven once even if
 * the command is interrupted and run again. Key, value and headers are kept (the error
 * history stays with the message); the attempt counter restarts, and the key decides the
 * partition through the Java-compatible murmur2 partitioner, as Debezium's producer does.
 */
export async function redrive({
  kafka,
  groupId,
  topic,
  limit,
  idleMs = 3_000,
}: RedriveOptions): Promise<number> {
  const dlq = deadLetterTopicName(groupId, topic);
  const redriveGroup = `${groupId}.redrive`;
  const wanted = limit ?? Number.POSITIVE_INFINITY;
  const mover = new TransactionalMover(kafka);
  // Short fetch waits: disconnecting waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId: redriveGroup, readUncommitted: false, maxWaitTimeInMs: 250 });
  const admin = kafka.admin();
  await admin.connect();
  // Partitions with something past the redrive group's committed offset; transaction markers
  // take offsets too, so "caught up" is decided from fetched batches (offsetLag), and a
  // partition holding only markers is let go after idleMs without a record.
  const pending = new Set<number>();
  const committed = (await admin.fetchOffsets({ groupId: redriveGroup, topics: [dlq] }))[0]?.partitions ?? [];
  for (const end of await admin.fetchTopicOffsets(dlq)) {
    const from = BigInt(committed.find((c) => c.partition === end.partition)?.offset ?? '-1');
    if (BigInt(end.high) > (from < 0n ? BigInt(end.low) : from)) pending.add(end.partition);
  }
  await admin.disconnect();
  if (pending.size === 0 || wanted <= 0) return 0;

  let moved = 0;
  let lastActivity = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      lastActivity = Date.now();
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (const message of batch.messages) {
          if (moved >= wanted || !payload.isRunning() || payload.isStale()) return;
          lastActivity = Date.now();
          const headers = { ...message.headers };
          const target = headerText(message.headers, HEADERS.originalTopic) ?? topic;
          delete headers[HEADERS.attempt];
          delete headers[HEADERS.dueAt];
          await mover.move({
            target,
            key: message.key,
            value: message.value,
            headers,
            source: {
              groupId: redriveGroup,
              topic: dlq,
              partition: batch.partition,
              nextOffset: (BigInt(message.offset) + 1n).toString(),
            },
          });
          moved += 1;
          payload.resolveOffset(message.offset);
          await payload.heartbeat();
        }
        if (batch.offsetLag() === '0') pending.delete(batch.partition);
      },
    });
    while (pending.size > 0 && moved < wanted && Date.now() - lastActivity < idleMs) {
      await sleep(100);
    }
  } finally {
    await consumer.disconnect();
    await mover.close();
  }
  return moved;
}
