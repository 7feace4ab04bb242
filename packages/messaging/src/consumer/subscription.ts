import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';
import type { MessagingLogger } from '../kafka-client';
import { backoffDelay } from './backoff';
import type { BatchProgress } from './types';

export interface SubscriptionOptions {
  kafka: Kafka;
  config: ConsumerConfig;
  topics: string[];
  fromBeginning: boolean;
  partitionsConsumedConcurrently: number;
  eachBatch: (payload: EachBatchPayload) => Promise<void>;
  onBatchEnd?: (progress: BatchProgress) => void;
  logger?: MessagingLogger;
}

export type SubscriptionState =
  | { status: 'idle' }
  | { status: 'running' }
  | { status: 'restarting'; attempt: number; reason: string }
  | { status: 'stopped' };

/**
 * The group's KafkaJS consumer, kept consuming. KafkaJS restarts itself after a retriable
 * crash; after any other (restart=false: an error it does not know, or retries exhausted)
 * it stops for good, so this makes a new consumer with backoff until one runs again.
 */
export class Subscription {
  private consumer: Consumer | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private restarts = 0;
  private current: SubscriptionState = { status: 'idle' };

  constructor(private readonly options: SubscriptionOptions) {}

  get state(): SubscriptionState {
    return this.current;
  }

  /** Connects, subscribes and joins the group; rejects if that fails (the caller retries start). */
  async start(): Promise<void> {
    this.stopping = false;
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
    this.current = { status: 'stopped' };
  }

  private async open(): Promise<void> {
    const { kafka, config, topics, onBatchEnd } = this.options;
    const consumer = kafka.consumer(config);
    this.consumer = consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (consumer !== this.consumer || this.stopping) return;
      const reason = payload.error.message;
      if (payload.restart) {
        this.current = { status: 'restarting', attempt: 0, reason };
        return;
      }
      this.options.logger?.error(
        { groupId: payload.groupId, error: reason },
        'consumer crashed and KafkaJS will not restart it; restarting it here',
      );
      this.scheduleRestart(reason);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (consumer !== this.consumer) return;
      this.current = { status: 'running' };
      this.restarts = 0;
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      // A fetch that held only transaction markers (or records of aborted transactions)
      // never reaches eachBatch, and with autoCommit off KafkaJS commits nothing for it: so
      // the group would stay one offset behind every transactional write, and its lag never
      // reach 0. Such a batch starts where the group's commits end (the runner resolves only
      // what it committed), so committing past it skips nothing a handler should see.
      if (payload.batchSize !== 0 || payload.lastOffset === null || payload.lastOffset === undefined) return;
      const offset = (BigInt(String(payload.lastOffset)) + 1n).toString();
      consumer
        .commitOffsets([{ topic: payload.topic, partition: payload.partition, offset }])
        .catch((error: unknown) =>
          this.options.logger?.debug(
            { topic: payload.topic, partition: payload.partition, offset, error: String(error) },
            'commit past transaction markers refused (partition moved); its new owner will',
          ),
        );
    });
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
    await consumer.subscribe({ topics, fromBeginning: this.options.fromBeginning });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: this.options.eachBatch,
    });
    this.current = { status: 'running' };
  }

  private scheduleRestart(reason: string): void {
    if (this.stopping) return;
    this.restarts += 1;
    const attempt = this.restarts;
    this.current = { status: 'restarting', attempt, reason };
    const delay = backoffDelay(attempt, { initialDelayMs: 500, maxDelayMs: 30_000, factor: 2 });
    this.timer = setTimeout(() => {
      const old = this.consumer;
      void (async () => {
        await old?.disconnect().catch(() => undefined);
        if (this.stopping) return;
        try {
          await this.open();
          this.options.logger?.info({ attempt }, 'consumer restarted');
        } catch (error) {
          this.scheduleRestart(error instanceof Error ? error.message : String(error));
        }
      })();
    }, delay);
  }
}
