/**
 * Throughput of the messaging layer on the running stack (not a test: it prints figures).
 *
 *   pnpm --filter @order-platform/messaging bench [-- --messages 30000 --partitions 6 --batch 100 --produce 2000]
 *
 * 1. Consumption of one topic of Avro events: raw KafkaJS (without and with Avro decoding) vs the
 *    ConsumerRunner with the transactions table, one Postgres transaction per message and
 *    one per batch. Each rate runs from the moment its consumer has joined the group to
 *    the last message handled, so group joins do not count.
 * 2. Production of 1 KB messages: at-least-once (acks=all) vs transactional, with one
 *    transaction per send of --send-size messages and one per message.
 *
 * Addresses come from KAFKA_BROKERS, SCHEMA_REGISTRY_URL and POSTGRES_ADMIN_URL, defaulting to
 * the native stack's. Everything it creates (schema, role, topics, groups) has a unique name
 * and is removed at the end.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Partitioners } from 'kafkajs';
import { Client, Pool } from 'pg';
import { ConsumerRunner, createKafka, migrateMessaging } from '../src';
import { kafkajsOf } from '../src/kafka-client';
import { timeConsume, timeProduce } from '../src/bench/kafka-ceiling';

const { values: args } = parseArgs({
  // pnpm passes the `--` of `pnpm bench -- --messages ...` through.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    messages: { type: 'string', default: '30000' },
    partitions: { type: 'string', default: '6' },
    batch: { type: 'string', default: '100' },
    produce: { type: 'string', default: '2000' },
    'send-size': { type: 'string', default: '100' },
  },
});
const MESSAGES = Number(args.messages);
const PARTITIONS = Number(args.partitions);
const BATCH = Number(args.batch);
const PRODUCE = Number(args.produce);
const SEND_SIZE = Number(args['send-size']);

const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8080/apis/ccompat/v7';
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/platform';
const name = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const schema = JSON.stringify({
  type: 'record',
  name: 'BenchEvent',
  namespace: 'bench.messaging',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'occurredAt', type: { type: 'long', logicalType: 'timestamp-millis' } },
    { name: 'aggregateId', type: 'string' },
    { name: 'sequence', type: 'long' },
    { name: 'note', type: 'string' },
  ],
});

const client = createKafka({ clientId: name, brokers });
const kafka = kafkajsOf(client);
const registry = new SchemaRegistry({ host: registryUrl });
const out = (line: string) => process.stdout.write(`${line}\n`);
const rate = (count: number, ms: number) => `${Math.round((count / ms) * 1000).toLocaleString('en')} msg/s`;

async function until(condition: () => boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function rawConsume(topic: string, decode: boolean): Promise<number> {
  return timeConsume(kafka, {
    topic,
    groupId: `${name}.raw${decode ? '-decode' : ''}`,
    count: MESSAGES,
    ...(decode ? { each: (value: Buffer | null) => registry.decode(value!) } : {}),
  });
}

async function runnerConsume(topic: string, pool: Pool, batchSize: number): Promise<number> {
  let count = 0;
  let last = 0;
  const runner = new ConsumerRunner({
    kafka: client,
    pool,
    registry,
    groupId: `${name}.runner${batchSize}`,
    batchSize,
    maxWaitTimeMs: 100,
    partitionsConsumedConcurrently: PARTITIONS,
    handlers: [
      {
        topic,
        handle: () => {
          count += 1;
          last = performance.now();
          return Promise.resolve();
        },
      },
    ],
  });
  await runner.start();
  const first = performance.now();
  await until(() => count >= MESSAGES, `runner (batch ${batchSize})`);
  await runner.stop();
  return last - first;
}

async function produce1k(topic: string): Promise<{ plain: number; txBatch: number; txEach: number }> {
  const payload = randomBytes(1024);
  const message = (i: number) => ({ key: `k${i % 100}`, value: payload });
  const plain = await timeProduce(kafka, { topic, count: PRODUCE, sendSize: SEND_SIZE, message });
  const txBatch = await timeProduce(kafka, {
    topic,
    count: PRODUCE,
    sendSize: SEND_SIZE,
    transactionalId: `${name}.bench`,
    message,
  });
  const each = Math.min(PRODUCE, 500);
  const txEachMs = await timeProduce(kafka, {
    topic,
    count: each,
    sendSize: 1,
    transactionalId: `${name}.bench`,
    message,
  });
  return { plain, txBatch, txEach: (txEachMs / each) * PRODUCE };
}

async function main(): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const topic = `bench.${name}.v1`;
  const produceTopic = `bench.${name}.produce.v1`;
  const kafkaAdmin = kafka.admin();
  await kafkaAdmin.connect();
  let pool: Pool | undefined;
  try {
    await admin.query(`
      create role ${name} login password '${name}';
      create schema ${name} authorization ${name};
      alter role ${name} set search_path = ${name};
      grant connect on database ${new URL(adminUrl).pathname.slice(1)} to ${name};
    `);
    const url = new URL(adminUrl);
    url.username = name;
    url.password = name;
    await migrateMessaging({ databaseUrl: url.toString() });
    pool = new Pool({ connectionString: url.toString(), max: PARTITIONS + 2 });
    await kafkaAdmin.createTopics({
      topics: [
        { topic, numPartitions: PARTITIONS },
        { topic: produceTopic, numPartitions: PARTITIONS },
      ],
      waitForLeaders: true,
    });
    const { id } = await registry.register({ type: SchemaType.AVRO, schema }, { subject: `${topic}-value` });

    out(
      `messaging bench: ${MESSAGES} events on ${PARTITIONS} partitions, runner batch ${BATCH}; ${PRODUCE} x 1 KB produced`,
    );
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const keys = 1000;
    for (let sent = 0; sent < MESSAGES; sent += 1000) {
      const chunk = await Promise.all(
        Array.from({ length: Math.min(1000, MESSAGES - sent) }, async (_, j) => {
          const i = sent + j;
          const value = {
            eventId: randomUUID(),
            occurredAt: Date.now(),
            aggregateId: `agg-${i % keys}`,
            sequence: Math.floor(i / keys) + 1,
            note: 'bench',
          };
          return { key: value.aggregateId, value: await registry.encode(id, value) };
        }),
      );
      await producer.send({ topic, messages: chunk });
    }
    await producer.disconnect();

    const raw = await rawConsume(topic, false);
    out(`  raw KafkaJS consumer (no decode, no database)   ${rate(MESSAGES, raw)}`);
    const rawDecode = await rawConsume(topic, true);
    out(`  raw KafkaJS consumer + Avro decode              ${rate(MESSAGES, rawDecode)}`);
    const single = await runnerConsume(topic, pool, 1);
    out(`  runner, one transaction per message             ${rate(MESSAGES, single)}`);
    const batched = await runnerConsume(topic, pool, BATCH);
    out(`  runner, one transaction per batch of ${String(BATCH).padEnd(4)}       ${rate(MESSAGES, batched)}`);

    const produced = await produce1k(produceTopic);
    out(`  produce 1 KB, at-least-once (acks=all), ${SEND_SIZE}/send  ${rate(PRODUCE, produced.plain)}`);
    out(
      `  produce 1 KB, transactional, ${SEND_SIZE}/transaction    ${rate(PRODUCE, produced.txBatch)}  (x${(produced.txBatch / produced.plain).toFixed(2)} time)`,
    );
    out(
      `  produce 1 KB, transactional, 1/transaction      ${rate(PRODUCE, produced.txEach)}  (x${(produced.txEach / produced.plain).toFixed(2)} time)`,
    );
  } finally {
    await pool?.end();
    await admin
      .query(`drop schema if exists ${name} cascade; drop owned by ${name}; drop role if exists ${name}`)
      .catch(() => undefined);
    await admin.end();
    const mine = (await kafkaAdmin.listTopics()).filter((t) => t.includes(name));
    await kafkaAdmin.deleteTopics({ topics: mine }).catch(() => undefined);
    await kafkaAdmin
      .deleteGroups([`${name}.raw`, `${name}.raw-decode`, `${name}.runner1`, `${name}.runner${BATCH}`])
      .catch(() => undefined);
    await kafkaAdmin.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
