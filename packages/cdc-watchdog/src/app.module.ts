import {
  type DynamicModule,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { KafkaConnectClient } from '@order-platform/messaging';
import { PLATFORM_CONNECTOR, platformOutboxConnector } from '@order-platform/platform-init/platform';
import { createPool } from '@order-platform/postgres';
import { jsonLogging } from '@order-platform/service-kit/logging';
import type { Pool } from 'pg';
import type { Config } from './config';
import { HealthController } from './health/health.controller';
import { OutboxHousekeeping } from './housekeeping/outbox-housekeeping';
import { CdcMetrics } from './metrics/cdc-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { CdcHealer } from './watch/cdc-healer';
import { CdcObserver } from './watch/cdc-observer';
import { CdcWatchdog } from './watch/cdc-watchdog';

const ADMIN_POOL = Symbol('ADMIN_POOL');

/**
 * The watchdog: no Kafka client and no service database (so not service-kit's
 * PlatformModule), but the same JSON logging and health endpoints as the services.
 */
@Module({})
export class AppModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(ADMIN_POOL) private readonly pool: Pool,
    @Inject(CdcWatchdog) private readonly watchdog: CdcWatchdog,
    @Inject(OutboxHousekeeping) private readonly housekeeping: OutboxHousekeeping,
  ) {}

  static register(config: Config): DynamicModule {
    const { logger, module: logging } = jsonLogging(config, /^\/(health|metrics)/);
    const connect = new KafkaConnectClient(config.KAFKA_CONNECT_URL);
    // The platform's connector is re-created exactly as platform-init registers it.
    const connectorConfig =
      config.CONNECTOR_NAME === PLATFORM_CONNECTOR
        ? platformOutboxConnector({ host: config.CONNECT_DATABASE_HOST, port: config.CONNECT_DATABASE_PORT })
        : undefined;
    return {
      module: AppModule,
      imports: [logging],
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: ADMIN_POOL,
          // The platform's pool: a connection's error (Postgres restarted), idle or checked
          // out, is logged and never ends the process.
          useFactory: () =>
            createPool({
              connectionString: config.POSTGRES_ADMIN_URL,
              applicationName: config.SERVICE_NAME,
              connectionTimeoutMs: 3000,
              // A check must not hang on a lock or a stuck backend.
              statementTimeoutMs: 10_000,
              max: 3,
              logger,
            }),
        },
        { provide: CdcMetrics, useFactory: () => new CdcMetrics(config.CONNECTOR_NAME) },
        {
          provide: CdcWatchdog,
          inject: [ADMIN_POOL, CdcMetrics],
          useFactory: (pool: Pool, metrics: CdcMetrics) =>
            new CdcWatchdog(
              {
                connectorName: config.CONNECTOR_NAME,
                connectorConfig,
                checkIntervalMs: config.CDC_CHECK_INTERVAL_MS,
                stallThresholdMs: config.CDC_STALL_THRESHOLD_MS,
                walWarningBytes: config.CDC_WAL_WARNING_BYTES,
                outboxRetentionMs: config.OUTBOX_RETENTION_MS,
                healing: config.CDC_HEALING === 'on',
              },
              new CdcObserver(pool, connect, config.CONNECTOR_NAME, config.SLOT_NAME),
              new CdcHealer(pool, connect, config.CONNECTOR_NAME, config.SLOT_NAME),
              connect,
              metrics,
            ),
        },
        {
          provide: OutboxHousekeeping,
          inject: [ADMIN_POOL, CdcWatchdog],
          useFactory: (pool: Pool, watchdog: CdcWatchdog) =>
            new OutboxHousekeeping(pool, watchdog, config.HOUSEKEEPING_INTERVAL_MS),
        },
      ],
    };
  }

  onApplicationBootstrap(): void {
    this.watchdog.start();
    this.housekeeping.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.watchdog.stop(), this.housekeeping.stop()]);
    await this.pool.end();
  }
}
