/**
 * The steps bench/clients.ts times, written once with KafkaJS and once with @platformatic/kafka,
 * each the way that client is meant to be used, with the same records, acks, isolation,
 * partitioner, retries and transaction size.
 */
import {
  compatibilityPartitioner,
  Consumer,
  FetchIsolationLevels,
  MessagesStreamModes,
  ProduceAcks,
  Producer,
  type Message,
} from '@platformatic/kafka';
import { Partitioners, type Kafka } from 'kafkajs';
import { createKafka } from '../src';
import { kafkajsOf } from '../src/kafka-client';
import { withTimeout } from '../src/timeout';

export interface StepSettings {
  brokers: string[];
  /** Unique prefix of the groups and transactional ids the steps make. */
  name: string;
  /** Records each producer sends, of `value`, keyed by `keys` in turn. */
  records: number;
  keys: Buffer[];
  value: Buffer;
  /** Records per awaited send. */
  sendSize: number;
  /** Records per Kafka transaction in consume-transform-produce. */
  batch: number;
}

/** One client's step: records done, Kafka transactions, and the time it took. */
export interface Run {
  records: number;
  transactions: number;
  ms: number;
}

/** Counts a step's records; `finished` settles at the target or the first error, without polling. */
function tally(target: number) {
  const run: Run = { records: 0, transactions: 0, ms: 0 };
  let start = performance.now();
  const settle = { finish: () => {}, fail: (_error: unknown) => {} };
  const done = new Promise<void>((finish, fail) => Object.assign(settle, { finish, fail }));
  const add = (records: number, transactions = 0) => {
    run.records += records;
    run.transactions += transactions;
    run.ms = performance.now() - start;
    if (run.records >= target) settle.finish();
  };
  const begin = () => void (start = performance.now());
  const finished = (what: string) => withTimeout(done, 300_000, what).then(() => run);
  return { add, begin, fail: (error: unknown) => settle.fail(error), finished };
}

// The retry the platform's transactional producers use: CONCURRENT_TRANSACTIONS just after a
// commit is the coordinator still writing markers, so try again soon (both clients alike).
const txRetry = { initialRetryTime: 20, maxRetryTime: 1000, retries: 10 };

export class ClientSteps {
  /** Broker errors each client retried, by message: KafkaJS logs them, platformatic's retryDelay sees them. */
  readonly retried = { kafkajs: new Map<string, number>(), platformatic: new Map<string, number>() };
  private readonly kafka: Kafka;

  constructor(private readonly settings: StepSettings) {
    // A broker's error answer is logged by KafkaJS's Connection as "Response <API>" with the error.
    const note = (entry: { error?: unknown; kafkajs?: string }, message?: string) => {
      if (entry.kafkajs === 'Connection' && message?.startsWith('Response ')) {
        this.note('kafkajs', `${message}: ${String(entry.error)}`);
      }
    };
    const quiet = () => undefined;
    const logger = { debug: quiet, info: quiet, warn: note, error: note };
    this.kafka = kafkajsOf(createKafka({ clientId: settings.name, brokers: settings.brokers, logger }));
  }

  async produceKafkajs(topic: string): Promise<Run> {
    const producer = this.kafka.producer({
      idempotent: true,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    const count = tally(this.settings.records);
    for (let sent = 0; sent < this.settings.records; sent += this.settings.sendSize) {
      const messages = this.records(sent);
      await producer.send({ topic, acks: -1, messages });
      count.add(messages.length);
    }
    await producer.disconnect();
    return count.finished('KafkaJS producing');
  }

  async producePlatformatic(topic: string): Promise<Run> {
    const producer = new Producer({ ...this.platformatic(), idempotent: true });
    // What KafkaJS's connect() does: the producer id and metadata are fetched before the clock.
    await producer.initIdempotentProducer({});
    await producer.metadata({ topics: [topic] });
    const count = tally(this.settings.records);
    for (let sent = 0; sent < this.settings.records; sent += this.settings.sendSize) {
      const messages = this.records(sent).map((r) => ({ ...r, topic }));
      await producer.send({ messages });
      count.add(messages.length);
    }
    await producer.close();
    return count.finished('@platformatic/kafka producing');
  }

  /** Reads `total` records of `topic` in a new group; with `transformTo`, copies them there in transactions. */
  async consumeKafkajs(topic: string, total: number, transformTo?: string): Promise<Run> {
    const groupId = this.group(transformTo, 'kafkajs');
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 100, readUncommitted: false });
    const producer = transformTo
      ? this.kafka.producer({
          ...{ transactionalId: `${groupId}.tx`, idempotent: true, maxInFlightRequests: 1, retry: txRetry },
          createPartitioner: Partitioners.DefaultPartitioner,
        })
      : undefined;
    await producer?.connect();
    const count = tally(total);
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (!producer || !transformTo) return count.add(batch.messages.length);
        try {
          for (let i = 0; i < batch.messages.length; i += this.settings.batch) {
            const chunk = batch.messages.slice(i, i + this.settings.batch);
            const last = chunk[chunk.length - 1]!.offset;
            const offset = (BigInt(last) + 1n).toString();
            const tx = await producer.transaction();
            await tx.send({
              topic: transformTo,
              messages: chunk.map((m) => ({ key: m.key, value: m.value })),
            });
            await tx.sendOffsets({
              consumerGroupId: groupId,
              topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }],
            });
            await tx.commit();
            payload.resolveOffset(last);
            await payload.heartbeat();
            count.add(chunk.length, 1);
          }
        } catch (error) {
          count.fail(error);
        }
      },
    });
    count.begin();
    const run = await count.finished(`KafkaJS reading ${topic}`);
    await consumer.disconnect();
    await producer?.disconnect();
    return run;
  }

  /** As consumeKafkajs: the offsets go into the transaction through addOffset (KIP-447 fields). */
  async consumePlatformatic(topic: string, total: number, transformTo?: string): Promise<Run> {
    const groupId = this.group(transformTo, 'platformatic');
    const { clientId, bootstrapBrokers } = this.platformatic();
    const consumer = new Consumer({ clientId, bootstrapBrokers, groupId, maxWaitTime: 100 });
    const producer = transformTo
      ? new Producer({
          ...{ ...this.platformatic(), idempotent: true, transactionalId: `${groupId}.tx` },
          ...{ retries: txRetry.retries, retryDelay: this.retryDelay },
        })
      : undefined;
    const count = tally(total);
    const stream = await consumer.consume({
      topics: [topic],
      mode: MessagesStreamModes.EARLIEST,
      autocommit: false,
      isolationLevel: FetchIsolationLevels.READ_COMMITTED,
    });
    count.begin();
    if (!producer || !transformTo) {
      stream.on('data', () => count.add(1));
      stream.on('error', (error) => count.fail(error));
    } else {
      // A chunk holds one partition's records, as KafkaJS's batches do: one offset per transaction.
      // addOffset is called once per transaction and awaited: the client merges concurrent ones.
      let chunk: Message[] = [];
      let done = 0;
      const flush = async () => {
        const tx = await producer.beginTransaction();
        await tx.send({ messages: chunk.map((m) => ({ topic: transformTo, key: m.key, value: m.value })) });
        await tx.addConsumer(consumer);
        await tx.addOffset(chunk[chunk.length - 1]!);
        await tx.commit();
        done += chunk.length;
        count.add(chunk.length, 1);
        chunk = [];
      };
      void (async () => {
        for await (const message of stream as AsyncIterable<Message>) {
          const full = chunk.length === this.settings.batch || chunk[0]?.partition !== message.partition;
          if (full && chunk.length > 0) await flush();
          chunk.push(message);
          if (done + chunk.length >= total) return flush();
        }
      })().catch((error: unknown) => count.fail(error));
    }
    const run = await count.finished(`@platformatic/kafka reading ${topic}`);
    if (!stream.destroyed) await stream.close();
    await consumer.close();
    await producer?.close();
    return run;
  }

  /** The consumer groups the steps make, for the caller to delete. */
  groups(): string[] {
    return [undefined, 'transform'].flatMap((to) => [
      this.group(to, 'kafkajs'),
      this.group(to, 'platformatic'),
    ]);
  }

  private group(transformTo: string | undefined, client: string): string {
    return `${this.settings.name}.${transformTo ? 'transform' : 'consume'}-${client}`;
  }

  private readonly retryDelay = (
    _client: unknown,
    _op: string,
    attempt: number,
    _of: number,
    error: Error,
  ) => {
    const codes = (error as { errors?: { apiId?: string }[] }).errors?.map((e) => e.apiId).join(', ');
    this.note('platformatic', codes ? `${error.message}: ${codes}` : error.message);
    return Math.min(txRetry.initialRetryTime * 2 ** (attempt - 1), txRetry.maxRetryTime);
  };

  private note(client: keyof ClientSteps['retried'], error: string): void {
    this.retried[client].set(error, (this.retried[client].get(error) ?? 0) + 1);
  }

  private records(from: number) {
    const { keys, records, sendSize, value } = this.settings;
    return Array.from({ length: Math.min(sendSize, records - from) }, (_, i) => ({
      key: keys[(from + i) % keys.length]!,
      value,
    }));
  }

  /** Keys go where the Java client puts them: compatibilityPartitioner, not the default. */
  private platformatic() {
    return {
      clientId: this.settings.name,
      bootstrapBrokers: this.settings.brokers,
      acks: ProduceAcks.ALL,
      partitioner: compatibilityPartitioner,
    };
  }
}
