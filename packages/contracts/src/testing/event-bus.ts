import { randomUUID } from 'node:crypto';
import { SchemaType } from '@kafkajs/confluent-schema-registry';
import {
  type Consumer,
  createKafka,
  createProducer,
  createSchemaRegistry,
  type Producer,
} from '@order-platform/messaging';
import { type EventOf, type TopicName, topicSpec } from '../catalogue';

/** Where a test's stack listens (the harness's StackSettings has these). */
export interface EventBusStack {
  kafkaBrokers: string[];
  schemaRegistryUrl: string;
}

/** A decoded event read from a catalogue topic. */
export interface ReadEvent<T extends TopicName> {
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
  private readonly kafka;
  private readonly registry;
  private producer: Producer | undefined;
  private readonly consumers: Consumer[] = [];

  constructor(stack: EventBusStack) {
    this.kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: `test-${randomUUID()}` });
    this.registry = createSchemaRegistry(stack.schemaRegistryUrl);
  }

  async publish<T extends TopicName>(topic: T, event: EventOf<T>): Promise<void> {
    const spec = topicSpec(topic);
    const id = await this.registry.getRegistryIdBySchema(spec.subject, {
      type: SchemaType.AVRO,
      schema: spec.schema,
    });
    const value = await this.registry.encode(id, event);
    if (!this.producer) {
      this.producer = createProducer(this.kafka);
      await this.producer.connect();
    }
    const { aggregateId } = event as { aggregateId: string };
    await this.producer.send({ topic, messages: [{ key: aggregateId, value }] });
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
    const events: ReadEvent<T>[] = [];
    const consumer = this.kafka.consumer({ groupId: `test-reader-${randomUUID()}`, readUncommitted: false });
    this.consumers.push(consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: from, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const key = message.key?.toString();
        if (!key || !orderIds.has(key) || !message.value) return;
        events.push({
          key,
          partition,
          offset: BigInt(message.offset),
          event: (await this.registry.decode(message.value)) as EventOf<T>,
        });
      },
    });
    return events;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.producer?.disconnect(), ...this.consumers.map((c) => c.disconnect())]);
  }
}

/** Polls `check` until it returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
