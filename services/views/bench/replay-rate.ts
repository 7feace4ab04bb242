/**
 * How fast `pnpm replay` rebuilds views, on the running stack (not a test: it prints figures).
 *
 *   pnpm --filter @order-platform/views bench [-- --events 100000 --batch-size 200 --views order-timeline,daily-sales]
 *
 * First it tops the catalogue topics up to at least --events records with a mixed workload
 * (whole order lives: 70% delivered, 15% cancelled, 15% rejected; about nine events an
 * order), published as the services' outboxes would. They stay: the topics keep every
 * event. Synthetic orders must never reach a running system (payment would charge them at
 * the provider), so it refuses to publish while any consumer group is assigned one of
 * those topics: run it on a stack with the services stopped. Then it runs
 * each view's replay as `pnpm replay` does (read from offset 0 into new tables, catch up
 * with the live view, swap) and prints the records read, the events handled and the rate.
 * Addresses come from DATABASE_URL, KAFKA_BROKERS and SCHEMA_REGISTRY_URL, defaulting to
 * the native stack's.
 */
import { parseArgs } from 'node:util';
import { replayDependencies } from '../src/cli/settings';
import { replay } from '../src/replay/replay';
import { viewNamed } from '../src/views/catalog';
import { EventBus } from '@order-platform/service-kit/testing';
import { mixedWorkload } from '../test/workload';

const { values: args } = parseArgs({
  // pnpm passes a literal `--` through.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    events: { type: 'string', default: '100000' },
    'batch-size': { type: 'string', default: '200' },
    views: { type: 'string', default: 'order-timeline,customer-orders,daily-sales' },
  },
});
const EVENTS = Number(args.events);
const BATCH = Number(args['batch-size']);
const number = new Intl.NumberFormat('en-US');

async function recordsInTopics(
  deps: ReturnType<typeof replayDependencies>,
  topics: readonly string[],
): Promise<number> {
  return deps.kafka.withAdmin(async (admin) => {
    let records = 0;
    for (const topic of topics) for (const o of await admin.offsets(topic)) records += o.high - o.low;
    return records;
  });
}

async function main(): Promise<void> {
  const deps = replayDependencies(process.env, 8);
  const timeline = viewNamed('order-timeline');
  try {
    await deps.migrate();
    const have = await recordsInTopics(deps, timeline.topics);
    if (have < EVENTS) {
      const orders = mixedWorkload(Math.ceil((EVENTS - have) / 8.5), Date.now() - 86_400_000);
      const events = orders.flatMap((o) => o.events);
      const topics = [...new Set(events.map((e) => e.topic))];
      const readers = await deps.kafka.withAdmin((admin) => admin.readersOf(topics));
      if (readers.length > 0) {
        throw new Error(
          `refusing to publish synthetic orders into topics that running consumers read (${readers
            .map((r) => `${r.groupId}: ${r.topics.join(', ')}`)
            .join('; ')}): stop the services first (./dev services down), or run it on a stack of its own`,
        );
      }
      const publisher = new EventBus({
        kafkaBrokers: (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','),
        schemaRegistryUrl: process.env.SCHEMA_REGISTRY_URL ?? 'http://127.0.0.1:8080/apis/ccompat/v7',
      });
      const started = performance.now();
      await publisher.publishAll(events);
      await publisher.close();
      const seconds = (performance.now() - started) / 1000;
      process.stdout.write(
        `published ${number.format(events.length)} events of ${number.format(orders.length)} orders in ${seconds.toFixed(1)} s\n`,
      );
    }
    process.stdout.write(
      `topics hold ${number.format(await recordsInTopics(deps, timeline.topics))} records (transaction markers included)\n\n`,
    );
    process.stdout.write(
      '| view | topics | records | events | seconds | events/s |\n|---|---|---|---|---|---|\n',
    );
    for (const name of args.views.split(',')) {
      const view = viewNamed(name.trim());
      const result = await replay(deps, { view, batchSize: BATCH, restart: true });
      if (result.outcome !== 'swapped') throw new Error(`${view.name}: ${result.outcome}`);
      process.stdout.write(
        `| ${view.name} | ${view.topics.length} | ${number.format(result.plan.recordsTotal)} | ${number.format(result.events)} | ${result.seconds.toFixed(1)} | ${number.format(Math.round(result.events / result.seconds))} |\n`,
      );
    }
  } finally {
    await deps.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
