import {
  type DynamicModule,
  Global,
  Inject,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { Pool } from 'pg';
import { pino } from 'pino';
import {
  createKafka,
  createSchemaRegistry,
  KafkaHealth,
  OutboxWriter,
  parseBrokers,
} from '@order-platform/messaging';
import type { BaseConfig } from './config';
import { HealthController } from './health/health.controller';
import { MessagingLifecycle } from './messaging/messaging.lifecycle';
import { CONFIG, KAFKA, KAFKA_HEALTH, OUTBOX_WRITER, PG_POOL, SCHEMA_REGISTRY } from './tokens';

/**
 * The infrastructure every service shares: its configuration, a JSON logger, a Postgres
 * pool on its own role and schema, a Kafka client, and the health endpoints.
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
    // One pino logger for Nest, HTTP requests and KafkaJS alike: every line is JSON.
    const logger = pino({ level: config.LOG_LEVEL, base: { service: config.SERVICE_NAME } });
    const kafka = createKafka({
      brokers: parseBrokers(config.KAFKA_BROKERS),
      clientId: config.SERVICE_NAME,
      logger,
    });
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            // Probes every few seconds would drown the log.
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
          },
        }),
      ],
      controllers: [HealthController],
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: PG_POOL,
          useFactory: () =>
            new Pool({
              connectionString: config.DATABASE_URL,
              application_name: config.SERVICE_NAME,
              connectionTimeoutMillis: 3000,
              max: 10,
            }),
        },
        { provide: KAFKA, useValue: kafka },
        { provide: KAFKA_HEALTH, useFactory: () => new KafkaHealth(kafka) },
        { provide: SCHEMA_REGISTRY, useFactory: () => createSchemaRegistry(config.SCHEMA_REGISTRY_URL) },
        {
          provide: OUTBOX_WRITER,
          inject: [SCHEMA_REGISTRY],
          useFactory: (registry: ReturnType<typeof createSchemaRegistry>) => new OutboxWriter(registry),
        },
        MessagingLifecycle,
      ],
      exports: [CONFIG, PG_POOL, KAFKA, SCHEMA_REGISTRY, OUTBOX_WRITER, MessagingLifecycle],
    };
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`closing Kafka and Postgres connections${signal ? ` (${signal})` : ''}`);
    await Promise.allSettled([this.kafkaHealth.close(), this.pool.end()]);
  }
}
