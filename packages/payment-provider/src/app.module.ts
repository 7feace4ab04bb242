import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { pino } from 'pino';
import { ChargesController } from './charges/charges.controller';
import { ResponseDelays } from './charges/response-delays';
import type { Config } from './config';
import { ChargeLedger } from './domain/charge-ledger';
import { HealthController } from './health/health.controller';
import { ProblemFilter } from './http/problem.filter';
import { PROVIDER_CONFIG } from './tokens';

/**
 * The simulator: no database, no Kafka (so not service-kit's PlatformModule), but the same
 * JSON logging and health endpoints as the services.
 */
@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    const logger = pino({ level: config.LOG_LEVEL, base: { service: config.SERVICE_NAME } });
    return {
      module: AppModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            autoLogging: { ignore: (req) => (req.url ?? '').startsWith('/health') },
          },
        }),
      ],
      controllers: [ChargesController, HealthController],
      providers: [
        { provide: PROVIDER_CONFIG, useValue: config },
        {
          provide: ChargeLedger,
          useFactory: () =>
            new ChargeLedger({
              slowDelayMs: config.SLOW_DELAY_MS,
              ...(config.IDEMPOTENCY_KEY_TTL_MS === undefined
                ? {}
                : { keyTtlMs: config.IDEMPOTENCY_KEY_TTL_MS }),
            }),
        },
        ResponseDelays,
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
