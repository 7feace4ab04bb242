import { randomUUID } from 'node:crypto';
import type { Consumer, IHeaders } from 'kafkajs';
import { type KafkaClient, kafkajsOf } from '../kafka-client';
import { TopicWriter } from './topic-writer';

/** A record as a reader sees it: headers as strings. */
export interface ReadRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /**
   * The record's timestamp, ms since the epoch: when the broker appended it on a topic with
   * message.timestamp.type=LogAppendTime, otherwise the producer's create time.
   */
  timestamp: number;
}

export interface TopicReaderOptions {
  /** Called for every record as it arrives, before it is kept (tests decode values here). */
  onRecord?: (record: ReadRecord) => Promise<void> | void;
  /** Keep only the records this accepts (topics are shared with other tests and earlier runs). */
  keep?: (record: ReadRecord) => boolean;
}

export function headersOf(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name] = first.toString();
  }
  return out;
}

const SENTINEL = 'x-reader-sentinel';

/**
 * Reads topics from the beginning as the services do: read_committed, so records of
 * aborted transactions (a Connect task killed mid-transaction) are never seen. For tests
 * and tools that observe topics; a throwaway consumer group of its own.
 */
export class TopicReader {
  readonly records: ReadRecord[] = [];
  /** The reader's throwaway consumer group, for whoever wants to delete it after stop(). */
  readonly groupId = `reader-${randomUUID()}`;
  private readonly consumer: Consumer;
  private readonly sentinels = new Map<string, number>();

  constructor(
    private readonly kafka: KafkaClient,
    private readonly topics: readonly string[],
    private readonly options: TopicReaderOptions = {},
  ) {
    this.consumer = kafkajsOf(kafka).consumer({
      groupId: this.groupId,
      readUncommitted: false,
      maxWaitTimeInMs: 250,
    });
  }

  async start(): Promise<this> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.topics], fromBeginning: true });
    await this.consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const record: ReadRecord = {
          topic,
          partition,
          offset: message.offset,
          key: message.key?.toString() ?? null,
          value: message.value,
          headers: headersOf(message.headers),
          timestamp: Number(message.timestamp),
        };
        const sentinel = record.headers[SENTINEL];
        if (sentinel !== undefined) {
          this.sentinels.set(sentinel, (this.sentinels.get(sentinel) ?? 0) + 1);
          return;
        }
        await this.options.onRecord?.(record);
        if (this.options.keep?.(record) ?? true) this.records.push(record);
      },
    });
    return this;
  }

  /** The records read so far (never drain()'s sentinels). */
  get events(): ReadRecord[] {
    return this.records;
  }

  /**
   * Waits until the reader has read everything written to its topics before this call: a
   * sentinel goes to every partition, and the reader must get to each one. The end offset
   * alone cannot tell, as transaction markers take offsets no reader ever sees.
   */
  async drain(timeoutMs = 60_000): Promise<void> {
    const sentinel = randomUUID();
    const writer = new TopicWriter(this.kafka);
    let partitions = 0;
    try {
      await this.kafka.withAdmin(async (admin) => {
        for (const topic of this.topics) {
          const offsets = await admin.offsets(topic);
          partitions += offsets.length;
          await writer.send(
            topic,
            offsets.map(({ partition }) => ({ partition, value: null, headers: { [SENTINEL]: sentinel } })),
          );
        }
      });
    } finally {
      await writer.close();
    }
    await waitUntil(
      () => (this.sentinels.get(sentinel) ?? 0) >= partitions,
      timeoutMs,
      () => `reader did not reach the end of ${this.topics.join(', ')} within ${timeoutMs} ms`,
    );
  }

  async waitForCount(count: number, timeoutMs: number): Promise<void> {
    await waitUntil(
      () => this.records.length >= count,
      timeoutMs,
      () => `saw ${this.records.length} of ${count} records within ${timeoutMs} ms`,
    );
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}

async function waitUntil(done: () => boolean, timeoutMs: number, failure: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((r) => setTimeout(r, 50));
  }
}
