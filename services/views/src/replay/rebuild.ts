import { type BatchProgress, ConsumerRunner, forgetConsumerGroup } from '@order-platform/messaging';
import { withTransaction } from '@order-platform/postgres';
import { projectionHandlers } from '../projection/projector';
import {
  createViewTables,
  dropViewTables,
  type Positions,
  positionOf,
  readPositions,
} from '../projection/view-tables';
import { LIVE_SCHEMA, REBUILD_SCHEMA, type ViewDefinition } from '../views/view';
import { partitionKey, type ReplayPlan } from './plan';
import type { ReplayProgress } from './progress';
import type { ReplayDependencies, ReplayOptions, ReplayResult } from './replay-options';
import { interruptRun, livePositions, resumeRun, startRun } from './replay.repository';
import { trySwap } from './swap';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One run of a replay: reads the view's topics into the rebuild tables with the messaging
 * runtime (read_committed, the transactions table dropping duplicates and stale events, as
 * the live projector does) until it has read to the topics' ends as they were at the start
 * and is not behind the live view, then swaps the tables in (./swap.ts).
 */
export class Rebuild {
  private readonly view: ViewDefinition;
  private readonly group: string;
  private readonly started = Date.now();
  private events = 0;
  /** Per partition, the furthest offset read (records handled and batches fetched). */
  private readonly read = new Map<string, number>();
  private runner: ConsumerRunner | undefined;

  constructor(
    private readonly deps: ReplayDependencies,
    private readonly options: ReplayOptions,
    private readonly plan: ReplayPlan,
  ) {
    this.view = options.view;
    this.group = plan.group;
    // A resumed run has read up to where its group's committed offsets are.
    for (const p of plan.partitions) this.read.set(partitionKey(p.topic, p.partition), p.next - 1);
  }

  async run(): Promise<ReplayResult> {
    const { pool } = this.deps;
    if (this.plan.mode === 'fresh') await this.startFresh();
    else await resumeRun(pool, this.view);
    try {
      for (;;) {
        if (this.options.signal?.aborted) return await this.interrupted();
        // (Again after a swap that had to stop reading and then could not finish.)
        await this.startReading();
        this.report('reading');
        if ((await this.caughtUp()) && (await this.swap())) {
          const positions = await readPositions(pool, this.view, LIVE_SCHEMA);
          // The new tables are live: leftovers of the replay group are only storage.
          await forgetConsumerGroup(pool, this.group).catch((error: unknown) =>
            this.deps.logger?.warn(
              { error: String(error) },
              'replay swapped, but its bookkeeping was not cleared',
            ),
          );
          this.report('done');
          return {
            outcome: 'swapped',
            plan: this.plan,
            events: this.events,
            seconds: this.seconds(),
            positions,
          };
        }
        await sleep(this.options.progressEveryMs ?? 500);
      }
    } finally {
      await this.stopReading();
    }
  }

  private swap(): Promise<boolean> {
    this.report('catching-up');
    return trySwap(this.deps.pool, this.view, this.plan.runId, {
      notBehind: (live) => this.notBehindLive(live),
      beforeSwap: async () => {
        this.report('swapping');
        await this.stopReading();
      },
    });
  }

  private async startReading(): Promise<void> {
    if (this.runner) return;
    const runner = this.createRunner();
    await runner.start();
    this.runner = runner;
  }

  private async stopReading(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    await runner?.stop();
  }

  private seconds(): number {
    return (Date.now() - this.started) / 1000;
  }

  private recordsDone(): number {
    let done = 0;
    for (const p of this.plan.partitions) {
      const furthest = this.read.get(partitionKey(p.topic, p.partition)) ?? p.low - 1;
      done += Math.max(0, Math.min(p.high, furthest + 1) - p.low);
    }
    return done;
  }

  private report(phase: ReplayProgress['phase']): void {
    if (!this.options.onProgress) return;
    const elapsedSeconds = this.seconds();
    const recordsDone = this.recordsDone();
    const rate = elapsedSeconds > 0 ? this.events / elapsedSeconds : 0;
    const readThisRun = recordsDone - this.plan.recordsDone;
    const recordRate = elapsedSeconds > 0 ? readThisRun / elapsedSeconds : 0;
    this.options.onProgress({
      phase,
      recordsDone,
      recordsTotal: this.plan.recordsTotal,
      events: this.events,
      rate,
      secondsLeft: recordRate > 0 ? (this.plan.recordsTotal - recordsDone) / recordRate : undefined,
      elapsedSeconds,
    });
  }

  /** New tables from the view's code; the group's offsets and transactions-table rows cleared. */
  private async startFresh(): Promise<void> {
    await this.resetGroup();
    await withTransaction(this.deps.pool, async (tx) => {
      await dropViewTables(tx, this.view, REBUILD_SCHEMA);
      await createViewTables(tx, this.view, REBUILD_SCHEMA);
      await forgetConsumerGroup(tx, this.group);
      await startRun(tx, this.view, this.plan.runId);
    });
  }

  /**
   * Deletes the replay group, so that it reads from offset 0. A member of a run that died
   * stays in the group until its session times out; wait for that.
   */
  private async resetGroup(): Promise<void> {
    await this.deps.kafka.withAdmin(async (admin) => {
      for (let waited = 0; ; waited += 1000) {
        const state = await admin.groupState(this.group);
        if (state === 'Dead') return;
        if (state === 'Empty') {
          await admin.deleteGroup(this.group);
          return;
        }
        if (waited > 60_000) throw new Error(`consumer group ${this.group} still has members (${state})`);
        await sleep(1000);
      }
    });
  }

  private bump(topic: string, partition: number, offset: number): void {
    const k = partitionKey(topic, partition);
    if (offset > (this.read.get(k) ?? -1)) this.read.set(k, offset);
  }

  private createRunner(): ConsumerRunner {
    const { kafka, pool, registry, logger } = this.deps;
    const view = this.view;
    return new ConsumerRunner({
      kafka,
      pool,
      registry,
      groupId: this.group,
      handlers: projectionHandlers(
        {
          schema: REBUILD_SCHEMA,
          views: (_tx, topic) => Promise.resolve(view.topics.includes(topic) ? [view] : []),
        },
        view.topics,
      ),
      batchSize: this.options.batchSize ?? 200,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently ?? 4,
      // A record the live projector dead-lettered fails here too: to the replay group's
      // dead-letter topic at once, without waiting in retry topics.
      retry: { retryTopicDelaysMs: [] },
      fromBeginning: true,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 1_000,
      // The swap stops this runner while it holds the live projector still, and a stop
      // waits for the fetch in flight: keep that wait short.
      maxWaitTimeMs: 500,
      ...(logger ? { logger } : {}),
      hooks: {
        afterDatabaseCommit: (messages) => {
          this.events += messages.length;
          for (const m of messages) this.bump(m.topic, m.partition, Number(m.offset));
        },
      },
      onBatchEnd: (progress: BatchProgress) =>
        this.bump(progress.topic, progress.partition, Number(progress.lastOffset)),
    });
  }

  /** Read to the topics' ends as they were at the start, and not behind the live view. */
  private async caughtUp(): Promise<boolean> {
    for (const p of this.plan.partitions) {
      if (p.high > p.low && (this.read.get(partitionKey(p.topic, p.partition)) ?? -1) < p.high - 1)
        return false;
    }
    return this.notBehindLive(await livePositions(this.deps.pool, this.view));
  }

  private async notBehindLive(live: Positions): Promise<boolean> {
    const rebuilt = await readPositions(this.deps.pool, this.view, REBUILD_SCHEMA);
    for (const [topic, partitions] of Object.entries(live)) {
      for (const [partition, offset] of Object.entries(partitions)) {
        if (positionOf(rebuilt, topic, Number(partition)) < offset) {
          // Not applied by the rebuild: it has not read that far, or the record changed
          // nothing (a duplicate) and so left no position; what it has read says which.
          if ((this.read.get(partitionKey(topic, Number(partition))) ?? -1) < offset) return false;
        }
      }
    }
    return true;
  }

  private async interrupted(): Promise<ReplayResult> {
    await this.stopReading();
    await interruptRun(this.deps.pool, this.view);
    return { outcome: 'interrupted', plan: this.plan, events: this.events, seconds: this.seconds() };
  }
}
