import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { topicHandler } from '@order-platform/contracts';
import type { OutboxWriter } from '@order-platform/messaging';
import {
  CONSUMERS,
  type ConsumerDefinition,
  MIGRATIONS,
  OUTBOX_WRITER,
  PlatformModule,
} from '@order-platform/service-kit';
import { ChargeOnOrderValidated } from './charge-payment/charge-on-order-validated.handler';
import { PaymentProviderClient } from './charge-payment/payment-provider.client';
import type { Config } from './config';
import { migrations } from './db/migrations';
import { PaymentsRepository } from './db/payments.repository';

@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(@Inject(PaymentProviderClient) private readonly provider: PaymentProviderClient) {}

  static register(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config)],
      providers: [
        { provide: MIGRATIONS, useValue: migrations },
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
          inject: [PaymentsRepository, PaymentProviderClient, OUTBOX_WRITER],
          useFactory: (payments: PaymentsRepository, provider: PaymentProviderClient, outbox: OutboxWriter) =>
            new ChargeOnOrderValidated(payments, provider, outbox),
        },
        {
          provide: CONSUMERS,
          inject: [ChargeOnOrderValidated],
          useFactory: (charge: ChargeOnOrderValidated): ConsumerDefinition[] => [
            {
              groupId: 'payment.charge-on-order-validated',
              handlers: [
                topicHandler('order.order-validated.v1', ({ tx, event, envelope }) =>
                  charge.handle(tx, event, envelope),
                ),
              ],
              // One message per transaction: each one may call the provider, and a batch
              // rolled back by one failure would call it again for all the others.
              batchSize: 1,
              retry: {
                inProcessAttempts: config.PAYMENT_RETRY_ATTEMPTS,
                initialDelayMs: config.PAYMENT_RETRY_INITIAL_DELAY_MS,
                maxDelayMs: config.PAYMENT_RETRY_MAX_DELAY_MS,
                retryTopicDelaysMs: config.PAYMENT_RETRY_TOPIC_DELAYS_MS,
              },
            },
          ],
        },
      ],
    };
  }

  onApplicationShutdown(): void {
    this.provider.shutdown();
  }
}
