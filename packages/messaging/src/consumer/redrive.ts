import { randomUUID } from 'node:crypto';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { KafkaAdmin } from '../admin/kafka-admin';
import { type KafkaClient, kafkajsOf } from '../kafka-client';
import { sleep } from './backoff';
import { deadLetterTopicName, HEADERS, historyOf, jsonListHeader, retryTopicName } from './failure-topics';
import { TransactionalMover } from './transactional-mover';

export interface RedriveOptions {
  kafka: KafkaClient;
  /** The consumer group whose dead letters to send back. */
  groupId: string;
  /** The original topic (the dead-letter and retry topics are derived from group and topic). */
  topic: string;
  /** Stop after this many messages (default: everything there when the redrive started). */
  limit?: number;
  /** List what would move; move nothing and commit nothing. */
  dryRun?: boolean;
  /** Give up on partitions that yield no record for this long (ms). */
  idleMs?: number;
}

/** One dead letter a redrive moved (or, in a dry run, would move). */
export interface RedrivenMessage {
  partition: number;
  offset: string;
  key: string | null;
  /** The last error of its history (`x-error-history`), if it has one. */
  lastError: string | null;
  /** How many failed attempts its history records. */
  failures: number;
}

export interface RedriveResult {
  groupId: string;
  topic: string;
  deadLetterTopic: string;
  /** The failing group's first retry topic: only that group reads it. */
  target: string;
  dryRun: boolean;
  count: number;
  messages: RedrivenMessage[];
}

/** A redrive that cannot go ahead (nothing was moved): the message says why and what to do. */
export class RedriveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedriveError';
  }
}

/** One entry of `x-redrive-history`: when a dead letter was sent back, and from where. */
export interface RedriveRecord {
  time: string;
  deadLetterTopic: string;
  partition: number;
  offset: string;
}

/**
 * Sends a consumer group's dead letters back to that group only: into its first retry topic
 * (`<group>.<topic>.retry.1`), due now, so the failing group handles them again at once and
 * no other group reading the original topic sees them twice. Each move is one Kafka
 * transaction with the redrive group's offset on the dead-letter topic, so a message is
 * redriven once even if the command is interrupted and run again. Key, value and headers
 * are kept (the error history stays with the message), `x-redrive-history` records the
 * redrive, and the key decides the partition through the Java-compatible murmur2
 * partitioner, as the runner's own moves do. A message that fails again climbs the group's
 * retry ladder from there and comes back to the dead-letter topic.
 *
 * A group without retry topics (`retryTopicDelaysMs: []`) cannot be redriven this way: the
 * only topic it reads besides its dead letters is the original one, which every group
 * reads. The redrive refuses with a RedriveError and moves nothing.
 *
 * A dry run reads the same messages through a throwaway consumer group (deleted after) and
 * commits nothing, so it never moves the redrive group's offsets.
 */
export async function redrive({
  kafka,
  groupId,
  topic,
  limit,
  dryRun = false,
  idleMs = 3_000,
}: RedriveOptions): Promise<RedriveResult> {
  const deadLetterTopic = deadLetterTopicName(groupId, topic);
  const target = retryTopicName(groupId, topic, 1);
  const redriveGroup = `${groupId}.redrive`;
  const wanted = limit ?? Number.POSITIVE_INFINITY;
  const result: RedriveResult = { groupId, topic, deadLetterTopic, target, dryRun, count: 0, messages: [] };

  const { pending, from } = await kafka.withAdmin(async (admin) => {
    await assertTopicsExist(admin, groupId, topic, deadLetterTopic, target);
    return pendingPartitions(admin, redriveGroup, deadLetterTopic);
  });
  if (pending.size === 0 || wanted <= 0) return result;

  const readerGroup = dryRun ? `${redriveGroup}.dry-run.${randomUUID()}` : redriveGroup;
  const mover = dryRun ? undefined : new TransactionalMover(kafkajsOf(kafka));
  // Short fetch waits: disconnecting waits for the fetch in flight.
  const consumer = kafkajsOf(kafka).consumer({
    groupId: readerGroup,
    readUncommitted: false,
    maxWaitTimeInMs: 250,
  });
  let lastActivity = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      lastActivity = Date.now();
    });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        for (const message of batch.messages) {
          if (result.count >= wanted || !payload.isRunning() || payload.isStale()) return;
          lastActivity = Date.now();
          // The dry run's group starts at the beginning: skip what the redrive group has done.
          if (BigInt(message.offset) < (from.get(batch.partition) ?? 0n)) {
            payload.resolveOffset(message.offset);
            continue;
          }
          await mover?.move({
            target,
            key: message.key,
            value: message.value,
            headers: redrivenHeaders(message, deadLetterTopic, batch.partition),
            source: {
              groupId: redriveGroup,
              topic: deadLetterTopic,
              partition: batch.partition,
              nextOffset: (BigInt(message.offset) + 1n).toString(),
            },
          });
          result.count += 1;
          result.messages.push(summarise(batch.partition, message));
          payload.resolveOffset(message.offset);
          await payload.heartbeat();
        }
        if (batch.offsetLag() === '0') pending.delete(batch.partition);
      },
    });
    while (pending.size > 0 && result.count < wanted && Date.now() - lastActivity < idleMs) {
      await sleep(100);
    }
  } finally {
    await consumer.disconnect();
    await mover?.close();
    // Best effort: an empty group without offsets expires on its own anyway.
    if (dryRun) await kafka.withAdmin((admin) => admin.deleteGroup(readerGroup)).catch(() => undefined);
  }
  result.messages.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return result;
}

async function assertTopicsExist(
  admin: KafkaAdmin,
  groupId: string,
  topic: string,
  deadLetterTopic: string,
  target: string,
): Promise<void> {
  const topics = new Set(await admin.listTopics());
  if (!topics.has(deadLetterTopic)) {
    throw new RedriveError(
      `there is no dead-letter topic ${deadLetterTopic}: check --group and --topic (the group's id and the topic its handler is declared for)`,
    );
  }
  if (!topics.has(target)) {
    throw new RedriveError(
      `consumer group ${groupId} has no retry topic ${target} (its retryTopicDelaysMs is empty, or it has never started): ` +
        `dead letters go back only through the group's own first retry topic, so that no other group reading ${topic} ` +
        `gets them twice; nothing was moved. Give the group a retry topic and start it once, then redrive again`,
    );
  }
}

/** The dead-letter partitions with something past the redrive group's committed offset, and that offset. */
async function pendingPartitions(
  admin: KafkaAdmin,
  redriveGroup: string,
  deadLetterTopic: string,
): Promise<{ pending: Set<number>; from: Map<number, bigint> }> {
  // Transaction markers take offsets too, so "caught up" is decided from fetched batches
  // (offsetLag), and a partition holding only markers is let go after idleMs without a record.
  const pending = new Set<number>();
  const from = new Map<number, bigint>();
  for (const p of await admin.positions(redriveGroup, [deadLetterTopic])) {
    from.set(p.partition, BigInt(p.next));
    if (p.high > p.next) pending.add(p.partition);
  }
  return { pending, from };
}

/** The dead letter's headers for its retry topic: due now, first retry round, the redrive recorded. */
export function redrivenHeaders(message: KafkaMessage, deadLetterTopic: string, partition: number): IHeaders {
  const headers: IHeaders = { ...message.headers };
  const earlier = jsonListHeader<RedriveRecord>(message.headers, HEADERS.redriveHistory);
  const record: RedriveRecord = {
    time: new Date().toISOString(),
    deadLetterTopic,
    partition,
    offset: message.offset,
  };
  headers[HEADERS.redriveHistory] = JSON.stringify([...earlier, record]);
  headers[HEADERS.attempt] = '1';
  headers[HEADERS.dueAt] = String(Date.now());
  return headers;
}

function summarise(partition: number, message: KafkaMessage): RedrivenMessage {
  const history = historyOf(message.headers);
  return {
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    lastError: history.at(-1)?.error ?? null,
    failures: history.length,
  };
}
