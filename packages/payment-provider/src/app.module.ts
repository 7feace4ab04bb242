import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { jsonLogging } from '@order-platform/service-kit/logging';
import { ChargesController } from './charges/charges.controller';
import { ResponseDelays } from './charges/response-delays';
import type { Config } from './config';
import { ChargeLedger, type LedgerEntry } from './domain/charge-ledger';
import { LedgerJournal } from './journal/ledger-journal';
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
    return {
      module: AppModule,
      imports: [jsonLogging(config).module],
      controllers: [ChargesController, HealthController],
      providers: [
        { provide: PROVIDER_CONFIG, useValue: config },
        {
          provide: ChargeLedger,
          useFactory: () => {
            const journal = config.LEDGER_FILE ? new LedgerJournal(config.LEDGER_FILE) : undefined;
            const ledger = new ChargeLedger({
              slowDelayMs: config.SLOW_DELAY_MS,
              ...(config.IDEMPOTENCY_KEY_TTL_MS === undefined
                ? {}
                : { keyTtlMs: config.IDEMPOTENCY_KEY_TTL_MS }),
              ...(journal ? { record: (entry: LedgerEntry) => journal.append(entry) } : {}),
            });
            if (journal) ledger.restore(journal.read());
            return ledger;
          },
        },
        ResponseDelays,
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
