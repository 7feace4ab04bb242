import { Controller, Get } from '@nestjs/common';

/** The simulator depends on nothing, so serving HTTP is being ready. */
@Controller('health')
export class HealthController {
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  ready(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
