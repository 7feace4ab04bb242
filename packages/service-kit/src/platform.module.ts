import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { Pool } from 'pg';
import {
  createKafka,
  createSchemaRegistry,
  KafkaHealth,
  OutboxWriter,
  parseBrokers,
} from '@order-platform/messaging';
import { createPool } from '@order-platform/postgres';
import type { BaseConfig } from './config';
import { HealthController } from './health/health.controller';
import { DependencyOutageFilter } from './http/dependency-outage.filter';
import { SchemaValidationPipe } from './http/schema-validation.pipe';
import { InboxHousekeeping } from './housekeeping/inbox-housekeeping';
import { jsonLogging } from './logging/json-logging';
import { MessagingLifecycle } from './messaging/messaging.lifecycle';
import { CONFIG, KAFKA, KAFKA_HEALTH, OUTBOX_WRITER, PG_POOL, SCHEMA_REGISTRY } from './tokens';

/**
 * The infrastructure every service shares: its configuration, a JSON logger, a Postgres
 * pool on its own role and schema (it survives Postgres restarts), a Kafka client, the
 * health endpoints, the validation of HTTP input and scheduled housekeeping.
 */
@Global()
@Module({})
export class PlatformModule implements OnApplicationShutdown {
  private readonly logger = new Logger(PlatformModule.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA_HEALTH) private readonly kafkaHealth: KafkaHealth,
  ) {}

  static forRoot(config: BaseConfig): DynamicModule {
    // One pino logger for Nest, HTTP requests, Postgres and KafkaJS alike: every line is JSON.
    const logging = jsonLogging(config);
    const logger = logging.logger;
    const kafka = createKafka({
      brokers: parseBrokers(config.KAFKA_BROKERS),
      clientId: config.SERVICE_NAME,
      logger,
    });
    return {
      module: PlatformModule,
      imports: [logging.module],
      controllers: [HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: DependencyOutageFilter },
        { provide: APP_PIPE, useValue: new SchemaValidationPipe() },
        {
          provide: PG_POOL,
          useFactory: () =>
            createPool({
              connectionString: config.DATABASE_URL,
              applicationName: config.SERVICE_NAME,
              statementTimeoutMs: config.PG_STATEMENT_TIMEOUT_MS,
              lockTimeoutMs: config.PG_LOCK_TIMEOUT_MS,
              connectionTimeoutMs: config.PG_CONNECTION_TIMEOUT_MS,
              max: config.PG_POOL_MAX,
              logger,
            }),
        },
        { provide: KAFKA, useValue: kafka },
        { provide: KAFKA_HEALTH, useFactory: () => new KafkaHealth(kafka) },
        {
          provide: SCHEMA_REGISTRY,
          useFactory: () =>
            createSchemaRegistry(config.SCHEMA_REGISTRY_URL, {
              timeoutMs: config.SCHEMA_REGISTRY_TIMEOUT_MS,
            }),
        },
        {
          provide: OUTBOX_WRITER,
          inject: [SCHEMA_REGISTRY],
          useFactory: (registry: ReturnType<typeof createSchemaRegistry>) => new OutboxWriter(registry),
        },
        MessagingLifecycle,
        InboxHousekeeping,
      ],
      exports: [CONFIG, PG_POOL, KAFKA, SCHEMA_REGISTRY, OUTBOX_WRITER, MessagingLifecycle],
    };
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`closing Kafka and Postgres connections${signal ? ` (${signal})` : ''}`);
    await Promise.allSettled([this.kafkaHealth.close(), this.pool.end()]);
  }
}
