import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { type EventOf, type TopicName, topicSpec } from '@order-platform/contracts';
import { createKafka, createSchemaRegistry } from '@order-platform/messaging';
import { repoRoot, type StackSettings, uniqueName } from '@order-platform/testing';
import { type Consumer, type Producer, Partitioners } from 'kafkajs';
import { SchemaType } from '@kafkajs/confluent-schema-registry';

/** Creates the catalogue topics, registers the schemas and runs the outbox connector (idempotent). */
export function setUpPlatform(stack: StackSettings): void {
  execFileSync(process.execPath, [join(repoRoot(), 'packages/platform-init/dist/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
      KAFKA_CONNECT_URL: stack.connectUrl,
      CONNECT_DATABASE_HOST: stack.connectDatabase.host,
      CONNECT_DATABASE_PORT: String(stack.connectDatabase.port),
    },
    stdio: 'pipe',
  });
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

  constructor(stack: StackSettings) {
    this.kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: uniqueName('test') });
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
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
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
    const consumer = this.kafka.consumer({ groupId: uniqueName('test-reader'), readUncommitted: false });
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
