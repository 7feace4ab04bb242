import { randomBytes } from 'node:crypto';
import type { Kafka, Message } from 'kafkajs';
import { createProducer, type KafkaClient, kafkajsOf } from '../kafka-client';

/** What raw KafkaJS does on this machine: the ceiling the platform's own Kafka work sits under. */
export interface KafkaCeiling {
  messages: number;
  messageBytes: number;
  partitions: number;
  /** Records per second, transactional, `sendSize` records a transaction, first send to last commit. */
  producePerSecond: number;
  /** Records per second of a read_committed consumer group, group joined to last record. */
  consumePerSecond: number;
}

export interface KafkaCeilingOptions {
  kafka: KafkaClient;
  partitions: number;
  /** Topic-level configuration, as the live topics have it (e.g. the topic catalogue's). */
  config?: Record<string, string>;
  messageBytes: number;
  messages: number;
  /** Records per transaction (default 100). */
  sendSize?: number;
}

/**
 * Raw KafkaJS on topics shaped like the live ones (same partition count and topic config,
 * but the benchmark's own names, created and deleted here: never write into live topics):
 * transactional produce as Debezium/Connect does it (one transaction per send of
 * `sendSize` records, idempotent, acks all), then a read_committed consumer group reading
 * them all.
 */
export async function kafkaCeiling(options: KafkaCeilingOptions): Promise<KafkaCeiling> {
  const { kafka: client, partitions, messageBytes, messages, sendSize = 100 } = options;
  const kafka = kafkajsOf(client);
  const name = `kafka_ceiling_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const topic = `bench.${name}.v1`;
  const groupId = `bench.${name}`;
  const admin = client.admin();
  try {
    await admin.ensureTopics([{ topic, partitions, config: options.config ?? {} }]);
    const value = randomBytes(messageBytes);
    const produceMs = await timeProduce(kafka, {
      topic,
      count: messages,
      sendSize,
      transactionalId: `bench.${name}`,
      message: (i) => ({ key: `order-${i % 1000}`, value }),
    });
    const consumeMs = await timeConsume(kafka, { topic, groupId, count: messages });
    return {
      messages,
      messageBytes,
      partitions,
      producePerSecond: perSecond(messages, produceMs),
      consumePerSecond: perSecond(messages, consumeMs),
    };
  } finally {
    await admin.deleteGroup(groupId).catch(() => undefined);
    await admin.deleteTopics([topic]).catch(() => undefined);
    await admin.close();
  }
}

function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count / ms) * 1000 : Number.POSITIVE_INFINITY;
}

export interface TimedProduce {
  topic: string;
  count: number;
  /** Records per send (and per transaction when transactional). */
  sendSize: number;
  /**
   * Transactional, as Kafka Connect's exactly-once source tasks produce: idempotent, acks
   * all, one transaction per send. Without it: plain at-least-once sends with acks=all.
   */
  transactionalId?: string;
  message: (index: number) => Message;
}

/** Produces `count` records; the ms from the first send to the last acknowledgement or commit. */
export async function timeProduce(kafka: Kafka, o: TimedProduce): Promise<number> {
  const batch = (from: number): Message[] =>
    Array.from({ length: Math.min(o.sendSize, o.count - from) }, (_, j) => o.message(from + j));
  if (o.transactionalId === undefined) {
    const producer = createProducer(kafka);
    await producer.connect();
    try {
      const start = performance.now();
      for (let sent = 0; sent < o.count; sent += o.sendSize)
        await producer.send({ topic: o.topic, acks: -1, messages: batch(sent) });
      return performance.now() - start;
    } finally {
      await producer.disconnect();
    }
  }
  const producer = createProducer(kafka, {
    transactionalId: o.transactionalId,
    idempotent: true,
    maxInFlightRequests: 1,
    retry: { initialRetryTime: 20, maxRetryTime: 1000, retries: 10 },
  });
  await producer.connect();
  try {
    const start = performance.now();
    for (let sent = 0; sent < o.count; sent += o.sendSize) {
      const transaction = await producer.transaction();
      try {
        await transaction.send({ topic: o.topic, messages: batch(sent) });
        await transaction.commit();
      } catch (error) {
        await transaction.abort().catch(() => undefined);
        throw error;
      }
    }
    return performance.now() - start;
  } finally {
    await producer.disconnect();
  }
}

export interface TimedConsume {
  topic: string;
  groupId: string;
  /** Records to read before it stops. */
  count: number;
  /** Work done on each record's value inside the batch handler (e.g. decoding it). */
  each?: (value: Buffer | null) => Promise<unknown>;
  timeoutMs?: number;
}

/**
 * Reads the topic from the beginning with a read_committed consumer group until `count`
 * records arrived; the ms from the moment the group has joined (KafkaJS's run() resolves
 * after join and sync) to the last record handled, so the join does not count.
 */
export async function timeConsume(kafka: Kafka, o: TimedConsume): Promise<number> {
  const consumer = kafka.consumer({ groupId: o.groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  let count = 0;
  let last = 0;
  let failure: Error | undefined;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: o.topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        try {
          if (o.each) for (const message of batch.messages) await o.each(message.value);
        } catch (error) {
          failure ??=
            error instanceof Error ? error : new Error(`reading ${o.topic} failed`, { cause: error });
          throw error;
        }
        count += batch.messages.length;
        last = performance.now();
      },
    });
    const first = performance.now();
    const deadline = Date.now() + (o.timeoutMs ?? 600_000);
    while (count < o.count) {
      if (failure) throw failure;
      if (Date.now() > deadline)
        throw new Error(`read only ${count} of ${o.count} records of ${o.topic} in time`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return last - first;
  } finally {
    await consumer.disconnect();
  }
}
