import { Partitioners, type IHeaders, type Kafka, type Producer, type Transaction } from 'kafkajs';
import type { MessagingLogger } from '../kafka-client';
import { backoffDelay, sleep } from './backoff';

export interface MoveRequest {
  target: string;
  key: Buffer | string | null;
  value: Buffer | null;
  headers: IHeaders;
  /** The consumed record's position; offset is the NEXT offset to read (consumed + 1). */
  source: { groupId: string; topic: string; partition: number; nextOffset: string };
}

export interface MoverHooks {
  /** Called inside the Kafka transaction after the send, before offsets and commit (tests kill the process here). */
  insideTransaction?: (request: MoveRequest) => Promise<void> | void;
}

/**
 * Moves one record to another topic and commits the consumer's offset in the same Kafka
 * transaction, so the record is neither lost nor duplicated.
 *
 * KafkaJS 2.2.4's sendOffsets carries only the group id (no KIP-447 member fencing), so
 * zombie fencing rests on the transactional id alone: one id per consumed partition
 * (`<group>.<topic>.<partition>`, the pre-KIP-447 scheme), so the instance that takes a
 * partition over fences any earlier owner's producer when it initialises its own.
 *
 * Known KafkaJS transaction troubles and the recovery for each: a failed step aborts the
 * transaction; an abort that fails, a producer fenced, or one stuck in "ongoing
 * transaction" is thrown away and recreated; CONCURRENT_TRANSACTIONS (the coordinator
 * still finishing the previous transaction) is retried after a short backoff.
 */
export class TransactionalMover {
  private readonly producers = new Map<string, Promise<Producer>>();

  constructor(
    private readonly kafka: Kafka,
    private readonly hooks: MoverHooks = {},
    private readonly logger?: MessagingLogger,
    private readonly attempts = 6,
  ) {}

  async move(request: MoveRequest, stillOwned: () => boolean = () => true): Promise<void> {
    const { groupId, topic, partition } = request.source;
    const transactionalId = `${groupId}.${topic}.${partition}`;
    let lastError: unknown;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (!stillOwned())
        throw new Error(`partition ${topic}[${partition}] is no longer assigned: not moving its record`);
      let transaction: Transaction;
      try {
        const producer = await this.producer(transactionalId);
        transaction = await producer.transaction();
      } catch (error) {
        // A producer that cannot connect (Kafka restarting) or is stuck in "There is
        // already an ongoing transaction": throw it away and make a new one after a backoff.
        lastError = error;
        await this.discard(transactionalId);
        await sleep(backoffDelay(attempt, { initialDelayMs: 100, maxDelayMs: 2000, factor: 2 }));
        continue;
      }
      try {
        await transaction.send({
          topic: request.target,
          messages: [{ key: request.key, value: request.value, headers: request.headers }],
        });
        await this.hooks.insideTransaction?.(request);
        await transaction.sendOffsets({
          consumerGroupId: groupId,
          topics: [{ topic, partitions: [{ partition, offset: request.source.nextOffset }] }],
        });
        await transaction.commit();
        return;
      } catch (error) {
        lastError = error;
        this.logger?.warn(
          { error: String(error), transactionalId, attempt },
          'kafka transaction failed; aborting',
        );
        const aborted = await transaction.abort().then(
          () => true,
          () => false,
        );
        if (!aborted || !/CONCURRENT_TRANSACTIONS/i.test(String(error))) await this.discard(transactionalId);
        await sleep(backoffDelay(attempt, { initialDelayMs: 100, maxDelayMs: 2000, factor: 2 }));
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }

  async close(): Promise<void> {
    const ids = [...this.producers.keys()];
    await Promise.all(ids.map((id) => this.discard(id)));
  }

  private producer(transactionalId: string): Promise<Producer> {
    let producer = this.producers.get(transactionalId);
    if (!producer) {
      producer = (async () => {
        const p = this.kafka.producer({
          transactionalId,
          idempotent: true,
          maxInFlightRequests: 1,
          // CONCURRENT_TRANSACTIONS right after a commit only means the coordinator is still
          // writing the previous transaction's markers: retry soon, as the Java client does
          // (KafkaJS's default first retry waits ~300 ms, which caps a partition at ~3 moves/s).
          retry: { initialRetryTime: 20, maxRetryTime: 1000, retries: 10 },
          // The Java client's murmur2 partitioner, so keys land where Debezium puts them.
          createPartitioner: Partitioners.DefaultPartitioner,
        });
        await p.connect();
        return p;
      })();
      producer.catch(() => this.producers.delete(transactionalId));
      this.producers.set(transactionalId, producer);
    }
    return producer;
  }

  private async discard(transactionalId: string): Promise<void> {
    const producer = this.producers.get(transactionalId);
    this.producers.delete(transactionalId);
    if (producer) await producer.then((p) => p.disconnect()).catch(() => undefined);
  }
}
