/**
 * KafkaJS beside @platformatic/kafka on the running stack: the measurement a change of client
 * behind this package has to pass first (not a test: it prints a table).
 *
 *   pnpm --filter @order-platform/messaging bench:clients [--records 10000 --partitions 6 --batch 100 --send-size 100 --first kafkajs]
 *
 * 1. Produce: each client sends --records 1 KB records (1000 keys, the Java client's murmur2
 *    partitioning) to one topic, idempotent, acks=all, --send-size records per awaited send.
 * 2. Consume: each client reads that whole topic (both halves: the same records) in a new
 *    group, read_committed from offset 0, without decoding.
 * 3. Consume-transform-produce: each client copies the topic to another one, one Kafka
 *    transaction per --batch records of a partition (send, the group's offset, commit), as
 *    the retry and dead-letter moves do.
 * A rate runs from the moment the client has joined its group (or made its producer) to its
 * last record. --first picks the client that goes first in each step. Node's process warnings
 * (TimeoutNegativeWarning...) are counted per client during its steps. KAFKA_BROKERS defaults
 * to the native stack's; the topics and groups it makes have a unique name and are deleted.
 * The steps themselves are in client-steps.ts.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { compatibilityPartitioner, defaultPartitioner } from '@platformatic/kafka';
import { Partitioners } from 'kafkajs';
import { createKafka } from '../src';
import { ClientSteps, type Run } from './client-steps';

const { values: args } = parseArgs({
  // pnpm 10 hands a `--` separator on to the script: take the options either way.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    records: { type: 'string', default: '10000' },
    partitions: { type: 'string', default: '6' },
    batch: { type: 'string', default: '100' },
    'send-size': { type: 'string', default: '100' },
    first: { type: 'string', default: 'kafkajs' },
  },
});
const partitions = Number(args.partitions);
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const name = `bench-clients-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
const settings = {
  brokers,
  name,
  records: Number(args.records),
  keys: Array.from({ length: 1000 }, (_, i) => Buffer.from(`agg-${i}`)),
  value: randomBytes(1024),
  sendSize: Number(args['send-size']),
  batch: Number(args.batch),
};
const steps = new ClientSteps(settings);
const out = (line: string) => process.stdout.write(`${line}\n`);

/** A package's own version: its package.json, which @platformatic/kafka's exports keep from require(). */
function versionOf(entry: string, up: string): string {
  const manifest = join(dirname(require.resolve(entry)), up, 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/** Of the keys, how many each platformatic partitioner puts where KafkaJS's (the Java client's) does. */
function partitionerAgreement(): string {
  const java = Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    ...{ partitionId, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] },
    partitionErrorCode: 0,
  }));
  const agree = (partitioner: typeof defaultPartitioner) =>
    settings.keys.filter(
      (key) =>
        partitioner({ topic: 't', key }, key) % partitions ===
        java({ topic: 't', partitionMetadata, message: { key, value: null } }),
    ).length;
  const of = `/${settings.keys.length}`;
  return `compatibilityPartitioner ${agree(compatibilityPartitioner)}${of}, defaultPartitioner ${agree(defaultPartitioner)}${of}`;
}

type Client = 'kafkajs' | 'platformatic';
// Outside the steps only KafkaJS runs (the admin that makes and deletes the topics).
const warnings: Record<Client | 'admin', number> = { kafkajs: 0, platformatic: 0, admin: 0 };
let current: Client | 'admin' = 'admin';
process.on('warning', () => {
  warnings[current] += 1;
});

/** Runs a step with each client in turn, --first first, counting the warnings each one causes. */
async function both(step: Record<Client, () => Promise<Run>>): Promise<Record<Client, Run>> {
  const order: Client[] =
    args.first === 'platformatic' ? ['platformatic', 'kafkajs'] : ['kafkajs', 'platformatic'];
  const runs: Partial<Record<Client, Run>> = {};
  for (const client of order) {
    current = client;
    runs[client] = await step[client]();
    current = 'admin';
  }
  return runs as Record<Client, Run>;
}

const line = (label: string, kafkajs: string, platformatic: string, ratio = '') =>
  out(`${label.padEnd(42)}${kafkajs.padStart(24)}${platformatic.padStart(30)}${ratio.padStart(8)}`);
const perSecond = (run: Run) => (run.records / run.ms) * 1000;
const cell = (run: Run) =>
  `${Math.round(perSecond(run)).toLocaleString('en')} rec/s${run.transactions ? ` (${run.transactions} tx)` : ''}`;
function row(label: string, runs: Record<Client, Run>): void {
  const ratio = perSecond(runs.platformatic) / perSecond(runs.kafkajs);
  line(label, cell(runs.kafkajs), cell(runs.platformatic), ratio.toFixed(2));
}

async function main(): Promise<void> {
  const source = `bench.${name}.source.v1`;
  const target = `bench.${name}.transformed.v1`;
  const total = 2 * settings.records;
  const admin = createKafka({ clientId: name, brokers }).admin();
  try {
    await admin.ensureTopics([source, target].map((topic) => ({ topic, partitions })));
    out(
      `client bench: ${settings.records} x 1 KB records per producer, ${total} per consumer, ${partitions} ` +
        `partitions, ${settings.sendSize}/send, ${settings.batch}/transaction, ${args.first} first in each step`,
    );
    out(`keys placed as KafkaJS's (Java's) murmur2 does: ${partitionerAgreement()}`);
    const versions = [
      `KafkaJS ${versionOf('kafkajs', '.')}`,
      `@platformatic/kafka ${versionOf('@platformatic/kafka', '..')}`,
    ];
    line('', versions[0]!, versions[1]!, 'p/k');
    row(
      'produce, idempotent, acks=all',
      await both({
        kafkajs: () => steps.produceKafkajs(source),
        platformatic: () => steps.producePlatformatic(source),
      }),
    );
    row(
      'consume, read_committed, from offset 0',
      await both({
        kafkajs: () => steps.consumeKafkajs(source, total),
        platformatic: () => steps.consumePlatformatic(source, total),
      }),
    );
    row(
      `consume-transform-produce, ${settings.batch}/transaction`,
      await both({
        kafkajs: () => steps.consumeKafkajs(source, total, target),
        platformatic: () => steps.consumePlatformatic(source, total, target),
      }),
    );
    line('process warnings during its steps', String(warnings.kafkajs), String(warnings.platformatic));
    out(`  (and ${warnings.admin} outside the steps so far: the KafkaJS admin)`);
    const retried = (client: Client) => [...steps.retried[client].values()].reduce((a, b) => a + b, 0);
    line('broker errors retried', String(retried('kafkajs')), String(retried('platformatic')));
    for (const client of ['kafkajs', 'platformatic'] as const)
      for (const [error, times] of steps.retried[client]) out(`  ${client} retried ${times} x: ${error}`);
  } finally {
    await admin.deleteTopics([source, target]).catch(() => undefined);
    for (const group of steps.groups()) await admin.deleteGroup(group).catch(() => undefined);
    await admin.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
