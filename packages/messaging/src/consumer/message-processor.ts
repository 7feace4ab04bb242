import type { KafkaMessage } from 'kafkajs';
import { withTransaction } from '@order-platform/postgres';
import type { PoolClient } from 'pg';
import { recordInInbox, type InboxVerdict } from '../inbox/inbox-store';
import { backoffDelay, sleep } from './backoff';
import { decodeMessage, type Decoded } from './identity';
import { parkFailed } from './failure-parking';
import { routeFailure, type FailureStage } from './failure-routing';
import type { Counters } from './metrics';
import { holdDelay, type OutageBoard } from './outage';
import type { TransactionalMover } from './transactional-mover';
import type { ConsumerRunnerOptions, MessageIdentity, RetrySettings, TopicHandler } from './types';

/** A topic the runner reads: a declared one (level 0) or one of its retry topics (level n). */
export interface Source {
  /** The topic the handler is declared for (a retry topic's original). */
  topic: string;
  handler: TopicHandler<never>;
  level: number;
}

type Outcome = Exclude<InboxVerdict, 'new'> | 'applied';

/** Thrown when the partition was lost or the runner is stopping: leave the message uncommitted. */
export class Stopped extends Error {}

export interface ProcessorDeps {
  options: ConsumerRunnerOptions;
  retry: RetrySettings;
  counters: Counters;
  outages: OutageBoard;
  mover: TransactionalMover;
  identify: (event: unknown, message: KafkaMessage) => MessageIdentity;
}

/**
 * Handles messages: decode → one Postgres transaction (inbox verdict, then the handler) →
 * commit; on failure asks routeFailure what to do: hold while a dependency is down, retry
 * here, or park the message in a retry or dead-letter topic.
 */
export class MessageProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  /** Several messages in one Postgres transaction; false if anything failed (nothing kept). */
  async tryChunk(source: Source, topic: string, partition: number, chunk: KafkaMessage[]): Promise<boolean> {
    const { options } = this.deps;
    let decoded: Decoded[];
    let outcomes: Outcome[];
    try {
      decoded = await Promise.all(chunk.map((m) => this.decode(topic, partition, m)));
      outcomes = await withTransaction(options.pool, async (client) => {
        const out: Outcome[] = [];
        for (const d of decoded) out.push(await this.apply(client, source, d, () => undefined));
        return out;
      });
    } catch {
      return false;
    }
    this.count(outcomes);
    await options.hooks?.afterDatabaseCommit?.(decoded.map((d) => d.consumed));
    return true;
  }

  /**
   * One message until it is applied or parked. An outage is not an attempt: the message is
   * held (the partition goes no further, heartbeats go on) and tried again with backoff.
   */
  async handleOne(
    source: Source,
    topic: string,
    partition: number,
    message: KafkaMessage,
    live: () => boolean,
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const { retry, outages, counters } = this.deps;
    const key = `${topic}[${partition}]`;
    let attempt = 1;
    let holds = 0;
    for (;;) {
      const failure = await this.attemptOnce(source, topic, partition, message);
      if (!failure) {
        outages.release(key);
        return;
      }
      const route = routeFailure({
        ...failure,
        attempt,
        inProcessAttempts: retry.inProcessAttempts,
        level: source.level,
        retryTopicDelaysMs: retry.retryTopicDelaysMs,
      });
      if (route.kind === 'hold') {
        holds += 1;
        outages.hold(key, route.dependency, route.reason);
        try {
          await this.pause(holdDelay(holds), live, heartbeat);
        } catch (error) {
          // The partition went to another member (or the runner stops): not ours to wait for.
          outages.release(key, false);
          throw error;
        }
        continue;
      }
      outages.release(key);
      holds = 0;
      if (route.kind === 'retry-here') {
        counters.counts.retried += 1;
        await this.pause(backoffDelay(attempt, retry), live, heartbeat);
        attempt += 1;
        continue;
      }
      if (!live()) throw new Stopped();
      try {
        await parkFailed(
          this.deps.mover,
          {
            groupId: this.deps.options.groupId,
            declaredTopic: source.topic,
            topic,
            partition,
            message,
            level: source.level,
            error: failure.error,
            tries: attempt,
            route,
          },
          live,
          this.deps.options.logger,
        );
      } catch (moveError) {
        if (!live()) throw new Stopped();
        throw moveError;
      }
      if (route.kind === 'retry-topic') counters.counts.retried += 1;
      else counters.counts.deadLettered += 1;
      return;
    }
  }

  /** One try; the failure and the stage it came from, or undefined when the message was handled. */
  private async attemptOnce(
    source: Source,
    topic: string,
    partition: number,
    message: KafkaMessage,
  ): Promise<{ stage: FailureStage; error: unknown } | undefined> {
    let stage: FailureStage = 'decode';
    try {
      const decoded = await this.decode(topic, partition, message);
      stage = 'database';
      const outcome = await withTransaction(this.deps.options.pool, (client) =>
        this.apply(client, source, decoded, (s) => (stage = s)),
      );
      this.count([outcome]);
      await this.deps.options.hooks?.afterDatabaseCommit?.([decoded.consumed]);
      return undefined;
    } catch (error) {
      return { stage, error };
    }
  }

  private decode(topic: string, partition: number, message: KafkaMessage): Promise<Decoded> {
    const { options, identify } = this.deps;
    return decodeMessage(options.registry, identify, topic, partition, message);
  }

  /** The inbox verdict, then (for a new message) the handler, in the caller's transaction. */
  private async apply(
    client: PoolClient,
    source: Source,
    decoded: Decoded,
    onStage: (stage: FailureStage) => void,
  ): Promise<Outcome> {
    const { identity, consumed } = decoded;
    const verdict = await recordInInbox(client, {
      groupId: this.deps.options.groupId,
      declaredTopic: source.topic,
      topic: consumed.topic,
      partition: consumed.partition,
      offset: consumed.offset,
      identity,
    });
    if (verdict !== 'new') return verdict;
    const started = performance.now();
    onStage('handler');
    try {
      await source.handler.handle({ tx: client, event: decoded.event as never, identity, message: consumed });
    } finally {
      this.deps.counters.observeHandler(performance.now() - started);
    }
    onStage('database');
    return 'applied';
  }

  private count(outcomes: Outcome[]): void {
    const { counts } = this.deps.counters;
    for (const outcome of outcomes) {
      if (outcome === 'applied') counts.processed += 1;
      else if (outcome === 'stale') counts.stale += 1;
      else counts.duplicates += 1;
    }
  }

  /** Waits `ms`, heartbeating, and gives up the message if the partition is lost meanwhile. */
  private async pause(ms: number, live: () => boolean, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!live()) throw new Stopped();
      await sleep(Math.min(200, until - Date.now()));
      await heartbeat();
    }
    if (!live()) throw new Stopped();
  }
}
