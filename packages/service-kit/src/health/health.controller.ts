import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Response } from 'express';
import type { Pool } from 'pg';
import { KafkaHealth } from '@order-platform/messaging';
import { MessagingLifecycle } from '../messaging/messaging.lifecycle';
import { KAFKA_HEALTH, PG_POOL } from '../tokens';
import { readHealthDetails } from './health-details';
import { readiness } from './readiness';

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
   * 200 `ok` when the service's own database and Kafka answer and every consumer group is
   * consuming; 200 `degraded` (with `reasons`) while a group holds partitions waiting for a
   * dependency; 503 `unavailable` (with `reasons`) when the database or Kafka does not
   * answer, messaging has not started, or a group is not consuming. The service's own
   * `details` are reported beside the checks without deciding.
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
    const consumers = this.messaging.runnerStatuses;
    const verdict = readiness({ database, kafka, messaging, runners: consumers });
    res.status(verdict.status === 'unavailable' ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK);
    return {
      status: verdict.status,
      reasons: verdict.reasons,
      checks: { database, kafka, messaging, consumers },
      details,
    };
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
