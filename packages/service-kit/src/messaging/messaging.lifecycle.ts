import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Pool } from 'pg';
import {
  ConsumerRunner,
  type KafkaClient,
  migrateMessaging,
  type RetrySettings,
  type RunnerMetrics,
  type RunnerStatus,
  type SchemaRegistry,
  type TopicHandler,
} from '@order-platform/messaging';
import { runMigrations, type Migration } from '@order-platform/postgres';
import type { BaseConfig } from '../config';
import { CONFIG, KAFKA, PG_POOL, SCHEMA_REGISTRY } from '../tokens';

/** One consumer group of a service: its handlers, and how it batches and retries. */
export interface ConsumerDefinition {
  groupId: string;
  handlers: TopicHandler<never>[];
  batchSize?: number;
  retry?: Partial<RetrySettings>;
  /** Partitions handled at once (each holds a pool connection while it works); default 3. */
  partitionsConsumedConcurrently?: number;
}

/** A service's own module provides its consumers under this token (a factory that injects its use cases). */
export const CONSUMERS = Symbol('CONSUMERS');

/**
 * A service's own module provides its tables' migrations under this token; they run (in
 * the service's schema, ledger `service_migrations`) after the messaging ones and before
 * any consumer starts.
 */
export const MIGRATIONS = Symbol('MIGRATIONS');

/**
 * Work a service's own module needs done after its migrations and before its consumers
 * start (the read side creates the tables of its views here). Provided as an array of
 * functions; each runs on every start attempt, so it must be idempotent.
 */
export const STARTUP_TASKS = Symbol('STARTUP_TASKS');

export type StartupTask = () => Promise<void>;

export type MessagingState =
  | { status: 'starting'; attempt: number; lastError?: string }
  | { status: 'running'; consumers: string[] }
  | { status: 'stopped' };

/**
 * Brings a service's messaging up after start: applies the messaging migrations and its
 * own to its schema, then starts its consumers. It runs in the background and retries, so the process
 * is live (and says why it is not ready) while its database or Kafka is still coming; the
 * readiness probe reports this state. On shutdown the consumers stop first, letting
 * in-flight work commit or roll back.
 */
@Injectable()
export class MessagingLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private readonly runners: { groupId: string; runner: ConsumerRunner }[] = [];
  private state: MessagingState = { status: 'starting', attempt: 0 };
  private stopping = false;
  private starting: Promise<void> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: BaseConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: KafkaClient,
    @Inject(SCHEMA_REGISTRY) private readonly registry: SchemaRegistry,
    private readonly moduleRef: ModuleRef,
  ) {}

  get current(): MessagingState {
    return this.state;
  }

  /** Each consumer group's runner: running, waiting for a dependency, restarting its consumer… */
  get runnerStatuses(): Record<string, RunnerStatus> {
    return Object.fromEntries(this.runners.map(({ groupId, runner }) => [groupId, runner.status]));
  }

  async metrics(): Promise<Record<string, RunnerMetrics>> {
    const entries = await Promise.all(
      this.runners.map(async ({ groupId, runner }) => [groupId, await runner.metrics()] as const),
    );
    return Object.fromEntries(entries);
  }

  onApplicationBootstrap(): void {
    this.starting = this.startWithRetries();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await Promise.allSettled(this.runners.map(({ runner }) => runner.stop()));
    this.state = { status: 'stopped' };
  }

  /** What the service's own module provides under `token`, if anything. */
  private optional<T>(token: symbol): T[] {
    try {
      return this.moduleRef.get<T[]>(token, { strict: false });
    } catch {
      return [];
    }
  }

  private runner(definition: ConsumerDefinition): ConsumerRunner {
    return new ConsumerRunner({
      kafka: this.kafka,
      pool: this.pool,
      registry: this.registry,
      groupId: definition.groupId,
      handlers: definition.handlers,
      sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS,
      ...(definition.batchSize ? { batchSize: definition.batchSize } : {}),
      ...(definition.retry ? { retry: definition.retry } : {}),
      ...(definition.partitionsConsumedConcurrently
        ? { partitionsConsumedConcurrently: definition.partitionsConsumedConcurrently }
        : {}),
      logger: {
        debug: (obj, msg) => this.logger.debug({ ...obj, msg }),
        info: (obj, msg) => this.logger.log({ ...obj, msg }),
        warn: (obj, msg) => this.logger.warn({ ...obj, msg }),
        error: (obj, msg) => this.logger.error({ ...obj, msg }),
      },
    });
  }

  private async startWithRetries(): Promise<void> {
    for (let attempt = 1; !this.stopping; attempt++) {
      try {
        await migrateMessaging({ databaseUrl: this.config.DATABASE_URL });
        const migrations = this.optional<Migration>(MIGRATIONS);
        if (migrations.length > 0) {
          await runMigrations({
            databaseUrl: this.config.DATABASE_URL,
            migrations,
            ledger: 'service_migrations',
          });
        }
        for (const task of this.optional<StartupTask>(STARTUP_TASKS)) await task();
        if (this.stopping) return;
        // All groups join at once: each join waits out the broker's initial rebalance delay,
        // so one after the other would add that up per group.
        const started = await Promise.allSettled(
          this.optional<ConsumerDefinition>(CONSUMERS).map((definition) => {
            const runner = this.runner(definition);
            this.runners.push({ groupId: definition.groupId, runner });
            return runner.start();
          }),
        );
        const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
        if (failed) throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
        this.state = { status: 'running', consumers: this.runners.map((r) => r.groupId) };
        this.logger.log(`messaging ready: ${this.runners.length} consumer group(s)`);
        return;
      } catch (error) {
        const lastError = error instanceof Error ? error.message : String(error);
        this.state = { status: 'starting', attempt, lastError };
        this.logger.warn(`messaging not ready yet (attempt ${attempt}): ${lastError}`);
        await Promise.allSettled(this.runners.splice(0).map(({ runner }) => runner.stop()));
        await new Promise((r) => setTimeout(r, Math.min(500 * 2 ** Math.min(attempt, 5), 10_000)));
      }
    }
  }
}
