import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { OutboxWriter } from '@order-platform/messaging';
import {
  HEALTH_DETAILS,
  MessagingLifecycle,
  OUTBOX_WRITER,
  PG_POOL,
  serviceModule,
  triggeredBy,
} from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { ChargeDuePayments } from './charge-payment/charge-due-payments.handler';
import { chargeHealth } from './charge-payment/charge-health';
import { ChargeOnOrderValidated } from './charge-payment/charge-on-order-validated.handler';
import { PaymentCharger } from './charge-payment/payment-charger';
import { PaymentProviderClient } from './charge-payment/payment-provider.client';
import type { Config } from './config';
import { migrations } from './db/migrations';
import { PaymentsRepository } from './db/payments.repository';

/** Due payments one claim takes, and calls the provider for at once. */
const CHARGE_BATCH = 10;

@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(@Inject(PaymentProviderClient) private readonly provider: PaymentProviderClient) {}

  static register(config: Config): DynamicModule {
    return serviceModule(AppModule, config, {
      migrations,
      providers: [
        { provide: PaymentsRepository, useValue: new PaymentsRepository() },
        {
          provide: PaymentProviderClient,
          useFactory: () =>
            new PaymentProviderClient({
              baseUrl: config.PAYMENT_PROVIDER_URL,
              timeoutMs: config.PAYMENT_TIMEOUT_MS,
              breakerFailures: config.PAYMENT_BREAKER_FAILURES,
              breakerResetMs: config.PAYMENT_BREAKER_RESET_MS,
            }),
        },
        {
          provide: ChargeOnOrderValidated,
          inject: [PaymentsRepository],
          useFactory: (payments: PaymentsRepository) => new ChargeOnOrderValidated(payments),
        },
        {
          provide: ChargeDuePayments,
          inject: [PG_POOL, PaymentsRepository, PaymentProviderClient, OUTBOX_WRITER],
          useFactory: (
            pool: Pool,
            payments: PaymentsRepository,
            provider: PaymentProviderClient,
            outbox: OutboxWriter,
          ) =>
            new ChargeDuePayments(pool, payments, provider, outbox, {
              leaseMs: config.PAYMENT_LEASE_MS,
              deadlineMs: config.PAYMENT_DEADLINE_MS,
              retry: {
                initialDelayMs: config.PAYMENT_CHARGE_RETRY_INITIAL_DELAY_MS,
                maxDelayMs: config.PAYMENT_CHARGE_RETRY_MAX_DELAY_MS,
              },
              batch: CHARGE_BATCH,
            }),
        },
        {
          provide: PaymentCharger,
          inject: [ChargeDuePayments, MessagingLifecycle],
          // The migrations run before the consumers start: once messaging is past
          // 'starting', the payments table has its columns.
          useFactory: (charge: ChargeDuePayments, messaging: MessagingLifecycle) =>
            new PaymentCharger(
              charge,
              config.PAYMENT_POLL_INTERVAL_MS,
              () => messaging.current.status !== 'starting',
              {
                connectionString: config.DATABASE_URL,
                applicationName: `${config.SERVICE_NAME}-charger`,
                connectionTimeoutMs: config.PG_CONNECTION_TIMEOUT_MS,
              },
            ),
        },
        {
          provide: HEALTH_DETAILS,
          inject: [PG_POOL, PaymentsRepository, PaymentProviderClient],
          useFactory: (pool: Pool, payments: PaymentsRepository, provider: PaymentProviderClient) => [
            chargeHealth(pool, payments, provider),
          ],
        },
      ],
      consumers: [
        // The handler only records the intent; the retries are for this service's own
        // faults (its database), never for the provider's.
        triggeredBy(ChargeOnOrderValidated, {
          retry: {
            inProcessAttempts: config.PAYMENT_RETRY_ATTEMPTS,
            initialDelayMs: config.PAYMENT_RETRY_INITIAL_DELAY_MS,
            maxDelayMs: config.PAYMENT_RETRY_MAX_DELAY_MS,
            retryTopicDelaysMs: config.PAYMENT_RETRY_TOPIC_DELAYS_MS,
          },
        }),
      ],
    });
  }

  onApplicationShutdown(): void {
    this.provider.shutdown();
  }
}
