import type { EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { KafkaAdmin } from '../admin/kafka-admin';
import { kafkajsOf } from '../kafka-client';
import { withTimeout } from '../timeout';
import { defaultIdentity } from './identity';
import { createFailureTopics } from './failure-topics-setup';
import { HEADERS, headerText, retryTopicName } from './failure-topics';
import { MessageProcessor, Stopped, type Source } from './message-processor';
import { Counters, type RunnerMetrics } from './metrics';
import { OutageBoard } from './outage';
import { Subscription } from './subscription';
import { TransactionalMover } from './transactional-mover';
import { DEFAULT_RETRY, type ConsumerRunnerOptions, type RetrySettings } from './types';

/** What a runner is doing, for readiness. */
export type RunnerStatus =
  | { status: 'starting' }
  | { status: 'running' }
  /** Consuming, but holding one or more partitions until a dependency answers. */
  | { status: 'waiting'; dependency: string; reason: string; since: number }
  /** Its consumer crashed and is being made again: not consuming meanwhile. */
  | { status: 'restarting'; attempt: number; reason: string }
  | { status: 'stopped' };

/**
 * Consumes declared topics with effectively-once handling through the service's
 * transactions table. Per message: decode through the registry → one Postgres transaction
 * (inbox row; duplicate → skip; stale → record and skip; else the handler) → commit →
 * only then the Kafka offset. Failures are routed by routeFailure: a dependency outage
 * holds the partition; other failures go through in-process retries, then retry topics,
 * then the dead-letter topic, each move atomic with the offset commit (Kafka transaction).
 */
export class ConsumerRunner {
  private readonly retry: RetrySettings;
  private readonly batchSize: number;
  private readonly sources = new Map<string, Source>();
  private readonly counters = new Counters();
  private readonly mover: TransactionalMover;
  private readonly outages: OutageBoard;
  private readonly processor: MessageProcessor;
  private subscription: Subscription | undefined;
  private admin: KafkaAdmin | undefined;
  private started = false;
  private readonly resumeTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: ConsumerRunnerOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.batchSize = Math.max(1, options.batchSize ?? 1);
    this.mover = new TransactionalMover(
      kafkajsOf(options.kafka),
      { insideTransaction: options.hooks?.insideKafkaTransaction },
      options.logger,
    );
    this.outages = new OutageBoard(options.groupId, options.logger);
    this.processor = new MessageProcessor({
      options,
      retry: this.retry,
      counters: this.counters,
      outages: this.outages,
      mover: this.mover,
      identify: options.identify ?? defaultIdentity,
    });
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

  get status(): RunnerStatus {
    const state = this.subscription?.state;
    if (!state || state.status === 'idle') return { status: this.started ? 'stopped' : 'starting' };
    if (state.status !== 'running') return state;
    const wait = this.outages.current;
    return wait ? { status: 'waiting', ...wait } : { status: 'running' };
  }

  async start(): Promise<void> {
    const { kafka, groupId } = this.options;
    if (this.options.createFailureTopics ?? true) {
      const admin = kafkajsOf(kafka).admin();
      await admin.connect();
      try {
        const declared = this.options.handlers.map((h) => h.topic);
        await createFailureTopics(admin, groupId, declared, this.retry.retryTopicDelaysMs);
      } finally {
        await admin.disconnect();
      }
    }
    // A killed member stays in the group until its session times out, and a restarted
    // instance waits for that before it gets partitions: keep the session short (the
    // runner heartbeats after every message and while it waits).
    const sessionTimeout = this.options.sessionTimeoutMs ?? 10_000;
    this.subscription = new Subscription({
      kafka: kafkajsOf(kafka),
      config: {
        groupId,
        readUncommitted: false,
        sessionTimeout,
        heartbeatInterval: this.options.heartbeatIntervalMs ?? 1_000,
        rebalanceTimeout: Math.max(10_000, sessionTimeout),
        // A fetch returns as soon as records arrive, so this long poll costs no latency; it
        // only sets how often a quiet group asks (1 s made the idle services about twice as
        // busy: README "Performance"). A resumed partition, a heartbeat and a stop wait for
        // the fetch in flight, so they take up to this long.
        maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 5_000,
      },
      topics: this.topics,
      fromBeginning: this.options.fromBeginning ?? true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.onBatch(payload),
      ...(this.options.onBatchEnd ? { onBatchEnd: this.options.onBatchEnd } : {}),
      ...(this.options.logger ? { logger: this.options.logger } : {}),
    });
    this.started = true;
    await this.subscription.start();
  }

  /**
   * Stops after the message in hand: its Postgres transaction commits (then its offset)
   * or rolls back; nothing else starts. Uncommitted offsets are redelivered to the next
   * owner, whose inbox skips what was already applied.
   */
  async stop(): Promise<void> {
    for (const timer of this.resumeTimers) clearTimeout(timer);
    this.resumeTimers.clear();
    await this.subscription?.stop();
    this.outages.clear();
    await this.mover.close();
    await this.admin?.close();
    this.admin = undefined;
  }

  /** Counters, handler latency and the group's lag per declared topic. */
  async metrics(timeoutMs = 5_000): Promise<RunnerMetrics> {
    this.admin ??= this.options.kafka.admin();
    const lag = await withTimeout(
      this.admin.lag(this.options.groupId, this.topics),
      timeoutMs,
      'Kafka (group offsets)',
    );
    return this.counters.snapshot(lag);
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const source = this.sources.get(batch.topic);
    if (!source) return;
    const live = () => payload.isRunning() && !payload.isStale();
    const heartbeat = () => payload.heartbeat();
    const messages = batch.messages;
    let i = 0;
    while (i < messages.length) {
      if (!live()) return;
      const first = messages[i]!;
      if (source.level > 0 && this.notDueYet(payload, first)) return;
      const chunk =
        source.level === 0 && this.batchSize > 1 ? messages.slice(i, i + this.batchSize) : [first];
      if (chunk.length > 1 && (await this.processor.tryChunk(source, batch.topic, batch.partition, chunk))) {
        if (!(await this.commitOffset(payload, chunk.at(-1)!.offset))) return;
        for (const m of chunk) payload.resolveOffset(m.offset);
        i += chunk.length;
        await heartbeat();
        continue;
      }
      // One by one: a chunk that failed as a whole is retried message by message, so one
      // bad message costs only itself.
      for (const message of chunk) {
        if (!live()) return;
        try {
          await this.processor.handleOne(source, batch.topic, batch.partition, message, live, heartbeat);
        } catch (error) {
          if (error instanceof Stopped) return;
          throw error;
        }
        if (!(await this.commitOffset(payload, message.offset))) return;
        payload.resolveOffset(message.offset);
        i += 1;
        await heartbeat();
      }
    }
    // Transaction markers after the batch's last record: commit past them too, so that a
    // group that has read everything has no lag (KafkaJS resolved them with the last record).
    const end = batch.lastOffset();
    const last = messages.at(-1)?.offset;
    if (last !== undefined && BigInt(end) > BigInt(last) && live()) await this.commitOffset(payload, end);
  }

  /**
   * A retry-topic record not due yet: stop fetching its partition until it is; the
   * unresolved messages are fetched again on resume. Other partitions and keys go on.
   */
  private notDueYet(payload: EachBatchPayload, message: KafkaMessage): boolean {
    const wait = Number(headerText(message.headers, HEADERS.dueAt) ?? 0) - Date.now();
    if (wait <= 0) return false;
    const resume = payload.pause();
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      resume();
    }, wait);
    this.resumeTimers.add(timer);
    return true;
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
}
