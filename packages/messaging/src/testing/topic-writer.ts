import type { Producer } from 'kafkajs';
import { createProducer, type KafkaClient, kafkajsOf } from '../kafka-client';
import { LazyConnection } from '../lazy-connection';

/** A record to write: key and partition optional (the key picks the partition as Java's client does). */
export interface WrittenRecord {
  key?: string | null;
  value: Buffer | null;
  headers?: Record<string, string>;
  partition?: number;
}

export interface TopicWriterOptions {
  /** Write each send() in one Kafka transaction under this id, as Connect and the runners do. */
  transactionalId?: string;
}

/**
 * Writes records to topics for tests, benchmarks and tools, with the partitioner the Java
 * client (and so Debezium) uses, so a key lands where its history is. Idempotent; with a
 * transactional id, each send() is one committed transaction (and leaves a commit marker).
 */
export class TopicWriter {
  private readonly producer: LazyConnection<Producer>;

  constructor(
    kafka: KafkaClient,
    private readonly options: TopicWriterOptions = {},
  ) {
    this.producer = new LazyConnection(() =>
      createProducer(kafkajsOf(kafka), {
        idempotent: true,
        maxInFlightRequests: 1,
        ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
      }),
    );
  }

  async send(topic: string, records: readonly WrittenRecord[]): Promise<void> {
    if (records.length === 0) return;
    const producer = await this.producer.get();
    const messages = records.map((r) => ({
      key: r.key ?? null,
      value: r.value,
      ...(r.headers ? { headers: r.headers } : {}),
      ...(r.partition === undefined ? {} : { partition: r.partition }),
    }));
    if (!this.options.transactionalId) {
      await producer.send({ topic, messages });
      return;
    }
    const transaction = await producer.transaction();
    try {
      await transaction.send({ topic, messages });
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.producer.close();
  }
}
