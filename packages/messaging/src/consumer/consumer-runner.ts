import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { Admin, Consumer, EachBatchPayload, IHeaders, ITopicConfig, Kafka, KafkaMessage } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { MessagingLogger } from '../kafka-client';
import { ensureTopics } from '../topics';
import { backoffDelay, sleep, type BackoffSettings } from './backoff';
import { classifyDecodeError, errorText, isPermanent, PermanentError } from './errors';
import {
  copyHeaders,
  deadLetterTopicName,
  HEADERS,
  headerText,
  historyOf,
  retryTopicName,
  type FailureRecord,
} from './failure-topics';
import { Counters, type RunnerMetrics } from './metrics';
import { TransactionalMover, type MoveRequest } from './transactional-mover';

/**
 * What a message tells the inbox about itself. Every event of the platform carries these
 * fields (see schemas/README.md); `sequence` is per aggregate and producer.
 */
export interface EventEnvelope {
  eventId: string;
  aggregateId: string;
  sequence: bigint;
  occurredAt: Date;
}

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: IHeaders;
}

export interface HandlerContext<T> {
  /** The Postgres transaction the inbox row was written in: do all state changes (and outbox inserts) in it. */
  tx: PoolClient;
  event: T;
  envelope: EventEnvelope;
  message: ConsumedMessage;
}

/**
 * How late messages of a topic are treated.
 *
 * - `cumulative`: a newer event of an aggregate carries everything the older ones did, so a
 *   message older than the last one applied for its aggregate is discarded as stale
 *   (recorded with outcome `stale`), and a failing message may wait in a retry topic while
 *   later messages of the same key go on. Every topic of the platform's catalogue is
 *   cumulative today.
 * - `ordered` (a topic whose events are not cumulative) would need the key's later messages
 *   parked behind a failing one; this runner does not implement that yet and refuses such
 *   a topic rather than reorder it silently.
 */
export type TopicOrdering = 'cumulative' | 'ordered';

export interface TopicHandler<T = unknown> {
  topic: string;
  ordering?: TopicOrdering;
  handle(context: HandlerContext<T>): Promise<void>;
}

export interface RetrySettings extends BackoffSettings {
  /** Tries in process (the first included) before a message leaves for a retry topic. */
  inProcessAttempts: number;
  /** One retry topic per entry, with the delay its messages wait; empty: straight to the dead-letter topic. */
  retryTopicDelaysMs: number[];
}

/** Test seams: each runs at a point where a crash must lose and duplicate nothing. */
export interface RunnerHooks {
  afterDatabaseCommit?: (messages: ConsumedMessage[]) => Promise<void> | void;
  insideKafkaTransaction?: (request: MoveRequest) => Promise<void> | void;
}

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  /** Connections whose search_path is the service's schema (where migrateMessaging ran). */
  pool: Pool;
  registry: SchemaRegistry;
  groupId: string;
  handlers: TopicHandler<never>[];
  /** Messages of one partition handled in one Postgres transaction; 1 = one transaction per message. */
  batchSize?: number;
  retry?: Partial<RetrySettings>;
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  partitionsConsumedConcurrently?: number;
  /** How long a fetch waits for records on a quiet partition (KafkaJS maxWaitTimeInMs). */
  maxWaitTimeMs?: number;
  /** Create missing retry and dead-letter topics (with the source topic's partition count) at start. */
  createFailureTopics?: boolean;
  /** Reads the envelope from a decoded event; the default reads eventId, aggregateId, sequence, occurredAt. */
  envelope?: (event: unknown, message: KafkaMessage) => EventEnvelope;
  logger?: MessagingLogger;
  hooks?: RunnerHooks;
  /**
   * Called after each fetched batch of a partition has been handled, with the last offset
   * the batch covered (transaction markers included, which no handler sees) and the
   * partition's high watermark: how a caller tells that it has read to the end.
   */
  onBatchEnd?: (progress: BatchProgress) => void;
}

export interface BatchProgress {
  topic: string;
  partition: number;
  /** The batch's last offset, a transaction marker's or an aborted record's included. */
  lastOffset: string;
  highWatermark: string;
}

const DEFAULT_RETRY: RetrySettings = {
  inProcessAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  factor: 2,
  retryTopicDelaysMs: [5_000, 60_000, 600_000],
};

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string' && value.length > 0) return new Date(value);
  return undefined;
}

/** Reads the platform's envelope fields; a message without them cannot be handled safely. */
export function defaultEnvelope(event: unknown, message: KafkaMessage): EventEnvelope {
  const record = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const eventId = typeof record.eventId === 'string' ? record.eventId : headerText(message.headers, 'id');
  const aggregateId = typeof record.aggregateId === 'string' ? record.aggregateId : message.key?.toString();
  const occurredAt = toDate(record.occurredAt);
  const sequence = record.sequence;
  if (!eventId || !aggregateId || !occurredAt || Number.isNaN(occurredAt.getTime())) {
    throw new PermanentError('event lacks eventId, aggregateId or occurredAt');
  }
  if (typeof sequence !== 'number' && typeof sequence !== 'bigint')
    throw new PermanentError('event lacks a sequence');
  return { eventId, aggregateId, sequence: BigInt(sequence), occurredAt };
}

interface Source {
  /** The topic the handler is declared for (a retry topic's original). */
  topic: string;
  handler: TopicHandler<never>;
  /** 0 for the original topic, n for retry topic n. */
  level: number;
}

interface Decoded {
  message: KafkaMessage;
  consumed: ConsumedMessage;
  event: unknown;
  envelope: EventEnvelope;
}

type Outcome = 'applied' | 'stale' | 'duplicate';

class Stopped extends Error {}

/**
 * Consumes declared topics with effectively-once handling through the service's
 * transactions table. Per message: decode through the registry → one Postgres transaction
 * (inbox row; duplicate → skip; stale → record and skip; else the handler) → commit →
 * only then the Kafka offset. Failures go through in-process retries, then retry topics,
 * then the dead-letter topic, each move atomic with the offset commit (Kafka transaction).
 */
export class ConsumerRunner {
  private readonly retry: RetrySettings;
  private readonly batchSize: number;
  private readonly sources = new Map<string, Source>();
  private readonly counters = new Counters();
  private readonly mover: TransactionalMover;
  private readonly envelopeOf: (event: unknown, message: KafkaMessage) => EventEnvelope;
  private consumer: Consumer | undefined;
  private admin: Admin | undefined;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: ConsumerRunnerOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.batchSize = Math.max(1, options.batchSize ?? 1);
    this.envelopeOf = options.envelope ?? defaultEnvelope;
    this.mover = new TransactionalMover(
      options.kafka,
      { insideTransaction: options.hooks?.insideKafkaTransaction },
      options.logger,
    );
    for (const handler of options.handlers) {
      if (handler.ordering === 'ordered') {
        throw new Error(
          `${handler.topic}: ordered (non-cumulative) topics are not supported by ConsumerRunner yet`,
        );
      }
      this.sources.set(handler.topic, { topic: handler.topic, handler, level: 0 });
      this.retry.retryTopicDelaysMs.forEach((_, i) => {
        this.sources.set(retryTopicName(options.groupId, handler.topic, i + 1), {
          topic: handler.topic,
          handler,
          level: i + 1,
        });
      });
    }
  }

  /** Every topic the runner reads: the declared ones and their retry topics. */
  get topics(): string[] {
    return [...this.sources.keys()];
  }

  async start(): Promise<void> {
    const { kafka, groupId } = this.options;
    if (this.options.createFailureTopics ?? true) await this.createFailureTopics();
    const consumer = kafka.consumer({
      groupId,
      readUncommitted: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: this.options.heartbeatIntervalMs ?? 3_000,
      rebalanceTimeout: Math.max(10_000, this.options.sessionTimeoutMs ?? 30_000),
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 1_000,
    });
    this.consumer = consumer;
    const onBatchEnd = this.options.onBatchEnd;
    if (onBatchEnd) {
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.lastOffset === null || payload.lastOffset === undefined) return;
        onBatchEnd({
          topic: payload.topic,
          partition: payload.partition,
          lastOffset: String(payload.lastOffset),
          highWatermark: String(payload.highWatermark),
        });
      });
    }
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics, fromBeginning: this.options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /**
   * Stops after the message in hand: its Postgres transaction commits (then its offset)
   * or rolls back; nothing else starts. Uncommitted offsets are redelivered to the next
   * owner, whose inbox skips what was already applied.
   */
  async stop(): Promise<void> {
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    await this.consumer?.disconnect();
    this.consumer = undefined;
    await this.mover.close();
    await this.admin?.disconnect();
    this.admin = undefined;
  }

  /** Counters, handler latency and the group's lag per declared topic. */
  async metrics(): Promise<RunnerMetrics> {
    this.admin ??= this.options.kafka.admin();
    await this.admin.connect();
    const lag: Record<string, number> = {};
    const topics = this.topics;
    const committed = await this.admin.fetchOffsets({ groupId: this.options.groupId, topics });
    for (const { topic, partitions } of committed) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      let behind = 0;
      for (const end of ends) {
        const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const start = Number(done) < 0 ? Number(end.low) : Number(done);
        behind += Math.max(0, Number(end.high) - start);
      }
      lag[topic] = behind;
    }
    return this.counters.snapshot(lag);
  }

  /** Creates the missing retry and dead-letter topics, as many partitions as their source topic. */
  private async createFailureTopics(): Promise<void> {
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      const wanted: ITopicConfig[] = [];
      for (const handler of this.options.handlers) {
        const metadata = await admin.fetchTopicMetadata({ topics: [handler.topic] });
        const numPartitions = metadata.topics[0]?.partitions.length ?? 1;
        this.retry.retryTopicDelaysMs.forEach((_, i) => {
          wanted.push({ topic: retryTopicName(this.options.groupId, handler.topic, i + 1), numPartitions });
        });
        // Dead letters wait for a human: keep them until redriven or deleted.
        wanted.push({
          topic: deadLetterTopicName(this.options.groupId, handler.topic),
          numPartitions,
          configEntries: [{ name: 'retention.ms', value: '-1' }],
        });
      }
      await ensureTopics(admin, wanted);
    } finally {
      await admin.disconnect();
    }
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const isStale = () => payload.isStale();
    const isRunning = () => payload.isRunning();
    const resolveOffset = (offset: string) => payload.resolveOffset(offset);
    const heartbeat = () => payload.heartbeat();
    const pause = () => payload.pause();
    const source = this.sources.get(batch.topic);
    if (!source) return;
    const live = () => isRunning() && !isStale();
    const messages = batch.messages;
    let i = 0;
    while (i < messages.length) {
      if (!live()) return;
      const first = messages[i]!;
      if (source.level > 0) {
        const due = Number(headerText(first.headers, HEADERS.dueAt) ?? 0);
        const wait = due - Date.now();
        if (wait > 0) {
          // Not due yet: stop fetching this partition until it is; the unresolved messages
          // are fetched again on resume. Other partitions and keys go on meanwhile.
          const resume = pause();
          const timer = setTimeout(() => {
            this.resumeTimers.delete(timer);
            resume();
          }, wait);
          this.resumeTimers.add(timer);
          return;
        }
      }
      const chunk =
        source.level === 0 && this.batchSize > 1 ? messages.slice(i, i + this.batchSize) : [first];
      if (chunk.length > 1 && (await this.tryChunk(source, batch.topic, batch.partition, chunk))) {
        if (!(await this.commitOffset(payload, chunk.at(-1)!.offset))) return;
        for (const m of chunk) resolveOffset(m.offset);
        i += chunk.length;
        await heartbeat();
        continue;
      }
      // One by one: a chunk that failed as a whole is retried message by message, so one
      // bad message costs only itself.
      for (const message of chunk) {
        if (!live()) return;
        try {
          await this.handleOne(source, batch.topic, batch.partition, message, live, heartbeat);
        } catch (error) {
          if (error instanceof Stopped) return;
          throw error;
        }
        if (!(await this.commitOffset(payload, message.offset))) return;
        resolveOffset(message.offset);
        i += 1;
        await heartbeat();
      }
    }
  }

  /**
   * Commits offset+1 unless the partition was lost; false when it was (stop the batch).
   * Goes through the batch's own commit, with the group generation it was fetched in: the
   * consumer-level commitOffsets silently does nothing once stop() has begun, which would
   * leave the last message of a graceful stop to be redelivered.
   */
  private async commitOffset(payload: EachBatchPayload, offset: string): Promise<boolean> {
    const { topic, partition } = payload.batch;
    if (payload.isStale()) return false;
    try {
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset: (BigInt(offset) + 1n).toString() }] }],
      });
      return true;
    } catch (error) {
      // A rebalance moved the partition away: the new owner gets the message again and its
      // inbox finds it already applied.
      this.options.logger?.warn({ topic, partition, offset, error: String(error) }, 'offset commit refused');
      return false;
    }
  }

  private consumed(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key?.toString() ?? null,
      headers: message.headers ?? {},
    };
  }

  private async decode(topic: string, partition: number, message: KafkaMessage): Promise<Decoded> {
    if (!message.value) throw new PermanentError('message has no value');
    let event: unknown;
    try {
      event = await this.options.registry.decode(message.value);
    } catch (error) {
      throw classifyDecodeError(error);
    }
    return {
      message,
      consumed: this.consumed(topic, partition, message),
      event,
      envelope: this.envelopeOf(event, message),
    };
  }

  /** Handles several messages in one Postgres transaction; false if anything failed (nothing kept). */
  private async tryChunk(
    source: Source,
    topic: string,
    partition: number,
    chunk: KafkaMessage[],
  ): Promise<boolean> {
    let decoded: Decoded[];
    try {
      decoded = await Promise.all(chunk.map((m) => this.decode(topic, partition, m)));
    } catch {
      return false;
    }
    const client = await this.options.pool.connect();
    const outcomes: Outcome[] = [];
    try {
      await client.query('begin');
      for (const d of decoded) outcomes.push(await this.apply(client, source, d));
      await client.query('commit');
    } catch {
      await client.query('rollback').catch(() => undefined);
      return false;
    } finally {
      client.release();
    }
    this.count(outcomes);
    await this.options.hooks?.afterDatabaseCommit?.(decoded.map((d) => d.consumed));
    return true;
  }

  private count(outcomes: Outcome[]): void {
    for (const outcome of outcomes) {
      if (outcome === 'applied') this.counters.counts.processed += 1;
      else if (outcome === 'stale') this.counters.counts.stale += 1;
      else this.counters.counts.duplicates += 1;
    }
  }

  /**
   * Handles one message with in-process retries; when those run out (or the failure is
   * permanent) moves it on to the next retry topic or the dead-letter topic.
   */
  private async handleOne(
    source: Source,
    topic: string,
    partition: number,
    message: KafkaMessage,
    live: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    let lastError: unknown;
    let tries = 0;
    for (let attempt = 1; attempt <= this.retry.inProcessAttempts; attempt++) {
      tries = attempt;
      try {
        const decoded = await this.decode(topic, partition, message);
        const client = await this.options.pool.connect();
        let outcome: Outcome;
        try {
          await client.query('begin');
          outcome = await this.apply(client, source, decoded);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
        this.count([outcome]);
        await this.options.hooks?.afterDatabaseCommit?.([decoded.consumed]);
        return;
      } catch (error) {
        lastError = error;
        if (isPermanent(error)) break;
        if (attempt < this.retry.inProcessAttempts) {
          this.counters.counts.retried += 1;
          const until = Date.now() + backoffDelay(attempt, this.retry);
          while (Date.now() < until) {
            if (!live()) throw new Stopped();
            await sleep(Math.min(200, until - Date.now()));
            await heartbeat();
          }
        }
      }
    }
    if (!live()) throw new Stopped();
    await this.moveOn(source, topic, partition, message, lastError, tries, live);
  }

  private async moveOn(
    source: Source,
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    tries: number,
    live: () => boolean,
  ): Promise<void> {
    const { groupId } = this.options;
    const record: FailureRecord = {
      time: new Date().toISOString(),
      ...errorText(error),
      consumerGroup: groupId,
      topic,
      partition,
      offset: message.offset,
      attempt: source.level,
      tries,
    };
    const headers = copyHeaders(message.headers);
    headers[HEADERS.history] = JSON.stringify([...historyOf(message.headers), record]);
    if (source.level === 0) {
      headers[HEADERS.originalTopic] = topic;
      headers[HEADERS.originalPartition] = String(partition);
      headers[HEADERS.originalOffset] = message.offset;
    }
    const nextLevel = source.level + 1;
    const delay = this.retry.retryTopicDelaysMs[nextLevel - 1];
    const toRetry = !isPermanent(error) && delay !== undefined;
    headers[HEADERS.attempt] = String(nextLevel);
    let target: string;
    if (toRetry) {
      target = retryTopicName(groupId, source.topic, nextLevel);
      headers[HEADERS.dueAt] = String(Date.now() + delay);
    } else {
      target = deadLetterTopicName(groupId, source.topic);
      delete headers[HEADERS.dueAt];
    }
    this.options.logger?.warn(
      { ...record, stack: undefined, target },
      toRetry ? 'message parked in a retry topic' : 'message dead-lettered',
    );
    try {
      await this.mover.move(
        {
          target,
          key: message.key,
          value: message.value,
          headers,
          source: { groupId, topic, partition, nextOffset: (BigInt(message.offset) + 1n).toString() },
        },
        live,
      );
    } catch (moveError) {
      if (!live()) throw new Stopped();
      throw moveError;
    }
    if (toRetry) this.counters.counts.retried += 1;
    else this.counters.counts.deadLettered += 1;
  }

  /**
   * Writes the inbox row and decides: duplicate (row already there), stale (not newer than
   * the last applied message of its aggregate: compared by sequence, then dispatch time),
   * or applied (the handler ran in this transaction).
   */
  private async apply(client: PoolClient, source: Source, decoded: Decoded): Promise<Outcome> {
    const { groupId } = this.options;
    const { envelope, consumed } = decoded;
    const inserted = await client.query(
      `insert into message_transactions
         (consumer_group, message_id, topic, partition, "offset", aggregate_id, sequence, occurred_at, outcome)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'applied')
       on conflict (consumer_group, message_id) do nothing`,
      [
        groupId,
        envelope.eventId,
        consumed.topic,
        consumed.partition,
        consumed.offset,
        envelope.aggregateId,
        envelope.sequence.toString(),
        envelope.occurredAt,
      ],
    );
    if (inserted.rowCount === 0) return 'duplicate';
    // One statement both checks and moves the position, and its row lock orders two
    // instances that briefly both hold the aggregate's partition around a rebalance.
    const newer = await client.query(
      `insert into message_aggregate_positions as p (consumer_group, topic, aggregate_id, sequence, occurred_at, message_id)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (consumer_group, topic, aggregate_id) do update
         set sequence = excluded.sequence, occurred_at = excluded.occurred_at,
             message_id = excluded.message_id, updated_at = now()
         where (excluded.sequence, excluded.occurred_at) > (p.sequence, p.occurred_at)`,
      [
        groupId,
        source.topic,
        envelope.aggregateId,
        envelope.sequence.toString(),
        envelope.occurredAt,
        envelope.eventId,
      ],
    );
    if (newer.rowCount === 0) {
      await client.query(
        `update message_transactions set outcome = 'stale' where consumer_group = $1 and message_id = $2`,
        [groupId, envelope.eventId],
      );
      return 'stale';
    }
    const started = performance.now();
    try {
      await source.handler.handle({ tx: client, event: decoded.event as never, envelope, message: consumed });
    } finally {
      this.counters.observeHandler(performance.now() - started);
    }
    return 'applied';
  }
}
