import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { KafkaClient, MessagingLogger } from '../kafka-client';
import type { BackoffSettings } from './backoff';
import type { MoveRequest } from './transactional-mover';

/**
 * What a message tells the inbox about itself: the part of an event's envelope (see
 * schemas/README.md and contracts' EventEnvelope) that deduplication and the stale check
 * need; `sequence` is per aggregate and producer. Handlers read the envelope from the
 * event itself.
 */
export interface MessageIdentity {
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
  identity: MessageIdentity;
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
  kafka: KafkaClient;
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
  /** How long a fetch waits for records on quiet partitions (KafkaJS maxWaitTimeInMs; default 5 s). */
  maxWaitTimeMs?: number;
  /** Create missing retry and dead-letter topics (with the source topic's partition count) at start. */
  createFailureTopics?: boolean;
  /** Reads a decoded event's identity; the default reads eventId, aggregateId, sequence, occurredAt. */
  identify?: (event: unknown, message: KafkaMessage) => MessageIdentity;
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

export const DEFAULT_RETRY: RetrySettings = {
  inProcessAttempts: 3,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  factor: 2,
  retryTopicDelaysMs: [5_000, 60_000, 600_000],
};
