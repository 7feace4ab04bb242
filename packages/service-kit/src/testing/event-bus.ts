import { randomUUID } from 'node:crypto';
import { type AnyEvent, type EventOf, type TopicName, topicSpec } from '@order-platform/contracts';
import { createKafka, createSchemaRegistry } from '@order-platform/messaging';
import { TopicReader, TopicWriter } from '@order-platform/messaging/testing';

/** Where a test's stack listens (the harness's StackSettings has these). */
export interface EventBusStack {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
}

/** A decoded event read from a catalogue topic. */
export interface ReadEvent<T extends TopicName> {
  /** The topic it was read from (a retry or dead-letter topic when read from one). */
  topic: string;
  key: string;
  partition: number;
  offset: bigint;
  event: EventOf<T>;
}

/**
 * The real catalogue topics as a test sees them: it produces Avro events as the upstream
 * services' outboxes would (key = order id, the Java-compatible partitioner), and reads a
 * topic from its beginning, keeping only the events of the given order ids (the topics are
 * shared with other tests and earlier runs).
 */
export class EventBus {
  /** The client the bus reads and writes with (a test's own TopicReader may share it). */
  readonly kafka;
  private readonly registry;
  private readonly writer;
  private readonly readers: TopicReader[] = [];
  private readonly schemaIds = new Map<string, Promise<number>>();

  constructor(stack: EventBusStack) {
    this.kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `test-${randomUUID()}` });
    this.registry = createSchemaRegistry(stack.schemaRegistryUrl);
    this.writer = new TopicWriter(this.kafka);
  }

  /** The event in the Confluent wire format, under its topic's subject (as platform-init registered it). */
  async encode<T extends TopicName>(topic: T, event: EventOf<T>): Promise<Buffer> {
    const subject = topicSpec(topic).subject;
    if (!this.schemaIds.has(subject)) this.schemaIds.set(subject, this.registry.getLatestSchemaId(subject));
    return this.registry.encode(await this.schemaIds.get(subject)!, event);
  }

  async decode<T>(value: Buffer): Promise<T> {
    return (await this.registry.decode(value)) as T;
  }

  /** Writes already encoded records (a poison message, an event sent twice) to a topic. */
  async send(topic: string, ...records: { key: string; value: Buffer }[]): Promise<void> {
    await this.writer.send(topic, records);
  }

  async publish<T extends TopicName>(topic: T, event: EventOf<T>): Promise<void> {
    const { aggregateId } = event as { aggregateId: string };
    await this.writer.send(topic, [{ key: aggregateId, value: await this.encode(topic, event) }]);
  }

  /** Publishes `event` twice, as an at-least-once delivery may. */
  async publishTwice<T extends TopicName>(topic: T, event: EventOf<T>): Promise<void> {
    await this.publish(topic, event);
    await this.publish(topic, event);
  }

  /** Publishes many events in the order given (per partition, which is what Kafka keeps), `chunk` at a time. */
  async publishAll(events: readonly { topic: TopicName; event: AnyEvent }[], chunk = 2000): Promise<void> {
    for (let i = 0; i < events.length; i += chunk) {
      const byTopic = new Map<TopicName, { key: string; value: Buffer }[]>();
      for (const { topic, event } of events.slice(i, i + chunk)) {
        const value = await this.encode(topic, event);
        const records = byTopic.get(topic) ?? [];
        records.push({ key: event.aggregateId, value });
        byTopic.set(topic, records);
      }
      await Promise.all([...byTopic].map(([topic, records]) => this.writer.send(topic, records)));
    }
  }

  /**
   * Starts reading `topic`'s events from the beginning (or, with `from`, a retry or
   * dead-letter topic that carries them); the returned list fills as events arrive.
   */
  async read<T extends TopicName>(
    topic: T,
    orderIds: ReadonlySet<string>,
    from: string = topic,
  ): Promise<ReadEvent<T>[]> {
    return this.readAll<T>([from], orderIds);
  }

  /** Like read(), over several topics at once (one consumer), in the order the events arrive. */
  async readAll<T extends TopicName>(
    topics: readonly string[],
    orderIds: ReadonlySet<string>,
  ): Promise<ReadEvent<T>[]> {
    const events: ReadEvent<T>[] = [];
    const reader = new TopicReader(this.kafka, topics, {
      keep: () => false,
      onRecord: async ({ topic, key, partition, offset, value }) => {
        if (!key || !orderIds.has(key) || !value) return;
        events.push({
          topic,
          key,
          partition,
          offset: BigInt(offset),
          event: (await this.registry.decode(value)) as EventOf<T>,
        });
      },
    });
    this.readers.push(reader);
    await reader.start();
    return events;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.writer.close(), ...this.readers.map((r) => r.stop())]);
  }
}
