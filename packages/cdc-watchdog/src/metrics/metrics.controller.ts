import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { CdcMetrics } from './cdc-metrics';

@Controller()
export class MetricsController {
  constructor(@Inject(CdcMetrics) private readonly cdc: CdcMetrics) {}

  /** Prometheus text format. */
  @Get('metrics')
  async metrics(@Res() res: Response): Promise<void> {
    res.type(this.cdc.registry.contentType).send(await this.cdc.registry.metrics());
  }
}
