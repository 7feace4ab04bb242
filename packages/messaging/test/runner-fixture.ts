import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { Client, Pool } from 'pg';
import {
  createScratchRoleSql,
  dropScratchRoleSql,
  eventually,
  serviceDatabaseUrl,
  type StackSettings,
  uniqueName,
  useStack,
} from '@order-platform/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  ConsumerRunner,
  type ConsumerRunnerOptions,
  createKafka,
  type KafkaClient,
  type HandlerContext,
  migrateMessaging,
  type TopicHandler,
} from '../src';
import { kafkajsOf } from '../src/kafka-client';
import { TopicReader } from '../src/testing';

/**
 * Retries quick enough for a test: two tries in process, then retry topics after 300 and
 * 600 ms. A runner that took an outage for failures would dead-letter within about a second.
 */
export const SHORT_RETRY = {
  inProcessAttempts: 2,
  initialDelayMs: 20,
  maxDelayMs: 100,
  retryTopicDelaysMs: [300, 600],
};

export interface TestEvent {
  eventId: string;
  occurredAt: number;
  aggregateId: string;
  sequence: number;
  note: string;
}

export const TEST_EVENT_SCHEMA = JSON.stringify({
  type: 'record',
  name: 'RunnerTestEvent',
  namespace: 'test.messaging',
  fields: [
    { name: 'eventId', type: { type: 'string', logicalType: 'uuid' } },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'aggregateId', type: 'string' },
    { name: 'sequence', type: 'long' },
    { name: 'note', type: 'string' },
  ],
});

export interface AppliedRow {
  event_id: string;
  aggregate_id: string;
  sequence: string;
  note: string;
  id: string;
}

/**
 * An isolated service for runner tests on the shared stack: a throwaway schema and login
 * role shaped like a service's (own schema, search_path, an outbox like basket.outbox),
 * the messaging migrations run as that role, a state table the test handler writes, and
 * helpers to create topics, register the test schema and produce encoded events.
 */
export class RunnerFixture {
  readonly name = uniqueName('msg');
  readonly kafka: KafkaClient;
  /** The KafkaJS client behind `kafka`, for this package's own tests of its internals. */
  readonly kafkajs: Kafka;
  readonly registry: SchemaRegistry;
  readonly admin: Client;
  pool!: Pool;
  private producer: Producer | undefined;
  private readonly schemaIds = new Map<string, number>();
  private readonly runners: ConsumerRunner[] = [];

  constructor(readonly stack: StackSettings) {
    this.kafka = createKafka({ clientId: this.name, brokers: stack.kafkaBrokers });
    this.kafkajs = kafkajsOf(this.kafka);
    this.registry = new SchemaRegistry({ host: stack.schemaRegistryUrl });
    this.admin = new Client({ connectionString: stack.postgresAdminUrl });
  }

  get databaseUrl(): string {
    return serviceDatabaseUrl(this.stack, this.name);
  }

  async setUp(): Promise<void> {
    await this.admin.connect();
    const n = this.name;
    await this.admin.query(createScratchRoleSql(n, this.stack.postgres.database, 'connect, temporary'));
    await this.admin.query(`
      create table ${n}.outbox (like basket.outbox including all);
      grant insert, select on ${n}.outbox to ${n};
      grant execute on function housekeeping.prune_outbox(interval) to ${n};
      create table ${n}.applied_events (
        id bigserial primary key, event_id uuid not null, aggregate_id text not null,
        sequence bigint not null, note text not null, topic text not null);
      alter table ${n}.applied_events owner to ${n};
    `);
    await migrateMessaging({ databaseUrl: this.databaseUrl });
    this.pool = new Pool({ connectionString: this.databaseUrl, max: 8 });
  }

  async tearDown(): Promise<void> {
    await this.producer?.disconnect();
    await this.pool.end();
    await this.admin.query(dropScratchRoleSql(this.name));
    await this.admin.end();
    await this.kafka.withAdmin(async (admin) => {
      const mine = (await admin.listTopics()).filter((t) => t.includes(this.name));
      if (mine.length > 0) await admin.deleteTopics(mine).catch(() => undefined);
    });
  }

  /** A new topic with the test schema registered under its value subject. */
  async topic(label: string, partitions = 3): Promise<string> {
    const topic = `test.${this.name}.${label}.v1`;
    await this.kafka.withAdmin((admin) => admin.ensureTopics([{ topic, partitions }]));
    const { id } = await this.registry.register(
      { type: SchemaType.AVRO, schema: TEST_EVENT_SCHEMA },
      { subject: `${topic}-value` },
    );
    this.schemaIds.set(topic, id);
    return topic;
  }

  /**
   * A runner on the fixture's pool, registry and Kafka, with test timings (a 6 s session,
   * 500 ms heartbeats, 200 ms fetch waits) unless `extra` says otherwise; stopRunners()
   * stops it.
   */
  runner(
    groupId: string,
    handlers: TopicHandler<TestEvent>[],
    extra: Partial<ConsumerRunnerOptions> = {},
  ): ConsumerRunner {
    const r = new ConsumerRunner({
      kafka: this.kafka,
      pool: this.pool,
      registry: this.registry,
      groupId,
      handlers,
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      maxWaitTimeMs: 200,
      ...extra,
    });
    this.runners.push(r);
    return r;
  }

  /** Stops every runner runner() made since the last call. */
  async stopRunners(): Promise<void> {
    await Promise.all(this.runners.splice(0).map((r) => r.stop()));
  }

  group(label: string): string {
    return `${this.name}.${label}`;
  }

  event(
    aggregateId: string,
    sequence: number,
    note = `event ${sequence}`,
    occurredAt = Date.now(),
  ): TestEvent {
    return { eventId: randomUUID(), occurredAt, aggregateId, sequence, note };
  }

  async encode(topic: string, event: TestEvent): Promise<Buffer> {
    return this.registry.encode(this.schemaIds.get(topic)!, event);
  }

  async send(topic: string, records: { key: string; value: Buffer; headers?: IHeaders }[]): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafkajs.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await this.producer.connect();
    }
    await this.producer.send({ topic, messages: records });
  }

  async sendEvents(topic: string, events: TestEvent[]): Promise<void> {
    const records = await Promise.all(
      events.map(async (e) => ({ key: e.aggregateId, value: await this.encode(topic, e) })),
    );
    await this.send(topic, records);
  }

  /** The test handler: records the event in applied_events inside the runner's transaction. */
  recorder(
    topic: string,
    before?: (ctx: HandlerContext<TestEvent>) => Promise<void> | void,
  ): TopicHandler<TestEvent> {
    return {
      topic,
      ordering: 'cumulative',
      handle: async (ctx) => {
        await before?.(ctx);
        await ctx.tx.query(
          'insert into applied_events (event_id, aggregate_id, sequence, note, topic) values ($1, $2, $3, $4, $5)',
          [ctx.event.eventId, ctx.event.aggregateId, ctx.event.sequence, ctx.event.note, topic],
        );
      },
    };
  }

  async applied(topic: string): Promise<AppliedRow[]> {
    const { rows } = await this.pool.query<AppliedRow>(
      'select * from applied_events where topic = $1 order by id',
      [topic],
    );
    return rows;
  }

  async transactions(
    groupId: string,
  ): Promise<{ message_id: string; outcome: string; sequence: string; topic: string }[]> {
    const { rows } = await this.pool.query<{
      message_id: string;
      outcome: string;
      sequence: string;
      topic: string;
    }>(
      'select message_id, outcome, sequence::text, topic from message_transactions where consumer_group = $1',
      [groupId],
    );
    return rows;
  }

  /** Every record `topic` holds now (read_committed), read from its beginning. */
  async readAll(topic: string): Promise<TopicReader['events']> {
    const reader = new TopicReader(this.kafka, [topic]);
    await reader.start();
    try {
      await reader.drain();
      return reader.events;
    } finally {
      await reader.stop();
    }
  }

  async waitFor<T>(
    probe: () => Promise<T | undefined | false>,
    what: string,
    timeoutMs = 30_000,
  ): Promise<T> {
    return eventually(
      what,
      async () => {
        const value = await probe();
        return value === false ? undefined : value;
      },
      timeoutMs,
      100,
    );
  }
}

/**
 * A RunnerFixture for one test file on the shared stack: set up before its tests, its
 * runners stopped after each test, torn down after them all.
 */
export function useRunnerFixture(): RunnerFixture {
  const fixture = new RunnerFixture(useStack());
  beforeAll(() => fixture.setUp());
  afterEach(() => fixture.stopRunners());
  afterAll(() => fixture.tearDown());
  return fixture;
}
