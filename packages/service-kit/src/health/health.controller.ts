import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { KafkaHealth } from '@order-platform/messaging';
import { MessagingLifecycle } from '../messaging/messaging.lifecycle';
import { KAFKA_HEALTH, PG_POOL } from '../tokens';
import { readHealthDetails } from './health-details';

type CheckResult = { status: 'up' } & Record<string, unknown>;

async function timed(
  check: () => Promise<Record<string, unknown>>,
): Promise<CheckResult | { status: 'down'; error: string }> {
  try {
    return { status: 'up', ...(await check()) };
  } catch (error) {
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  }
}

@Controller('health')
export class HealthController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA_HEALTH) private readonly kafka: KafkaHealth,
    private readonly messaging: MessagingLifecycle,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The process is up and serving HTTP; says nothing of its dependencies. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready only when the service's own database and Kafka both answer and its messaging is
   * running (migrations applied, consumers started). The service's own `details` are
   * reported beside the checks without deciding.
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response): Promise<object> {
    const [database, kafka, details] = await Promise.all([
      timed(async () => {
        const { rows } = await this.pool.query<{ schema: string }>('select current_schema() as schema');
        return { schema: rows[0]?.schema };
      }),
      timed(() => this.kafka.check()),
      readHealthDetails(this.moduleRef),
    ]);
    const messaging = this.messaging.current;
    const ok = database.status === 'up' && kafka.status === 'up' && messaging.status === 'running';
    res.status(ok ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return { status: ok ? 'ok' : 'unavailable', checks: { database, kafka, messaging }, details };
  }

  /**
   * The consumers' counters (processed, duplicates, stale, retried, dead-lettered, latency,
   * lag) and the service's own details.
   */
  @Get('metrics')
  async metrics(): Promise<object> {
    const [consumers, details] = await Promise.all([
      this.messaging.metrics(),
      readHealthDetails(this.moduleRef),
    ]);
    return { consumers, details };
  }
}
