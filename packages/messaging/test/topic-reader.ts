import type { IHeaders, Kafka } from 'kafkajs';
import { uniqueName } from '@order-platform/testing';

export interface ReadRecord {
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

/**
 * Reads a topic from the beginning as the services will: read_committed, so records of
 * aborted transactions (a Connect task killed mid-transaction) are never seen.
 */
export class TopicReader {
  readonly records: ReadRecord[] = [];
  private readonly consumer;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
  ) {
    this.consumer = kafka.consumer({ groupId: uniqueName('reader'), readUncommitted: false });
  }

  async start(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      eachMessage: ({ partition, message }) => {
        this.records.push({
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers: headersOf(message.headers),
        });
        return Promise.resolve();
      },
    });
  }

  /**
   * Waits until the reader has read everything written to the topic before this call: a
   * sentinel goes to every partition, and the reader must get to each one. The end offset
   * alone cannot tell, as transaction markers take offsets no reader ever sees.
   */
  async drain(timeoutMs = 60_000): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    const partitions = (await admin.fetchTopicOffsets(this.topic)).map((p) => p.partition);
    await admin.disconnect();
    const sentinel = uniqueName('sentinel');
    const producer = this.kafka.producer();
    await producer.connect();
    await producer.send({
      topic: this.topic,
      messages: partitions.map((partition) => ({ partition, value: null, headers: { sentinel } })),
    });
    await producer.disconnect();
    const deadline = Date.now() + timeoutMs;
    while (this.seenSentinels(sentinel) < partitions.length) {
      if (Date.now() > deadline)
        throw new Error(`reader did not reach the end of ${this.topic} within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The records that were not written by drain(). */
  get events(): ReadRecord[] {
    return this.records.filter((r) => r.headers.sentinel === undefined);
  }

  private seenSentinels(sentinel: string): number {
    return this.records.filter((r) => r.headers.sentinel === sentinel).length;
  }

  async waitForCount(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      if (Date.now() > deadline)
        throw new Error(`saw ${this.events.length} of ${count} records within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
