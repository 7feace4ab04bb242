import { type DynamicModule, Module } from '@nestjs/common';
import { serviceModule } from '@order-platform/service-kit';
import type { Config } from './config';
import { migrations } from './db/migrations';
import { SentEmailsRepository } from './db/sent-emails.repository';
import { orderEmailConsumers } from './send-order-email/order-email.consumers';
import { SmtpMailer } from './send-order-email/smtp.mailer';

@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    return serviceModule(AppModule, config, {
      migrations,
      providers: [SentEmailsRepository, SmtpMailer],
      consumers: [orderEmailConsumers],
    });
  }
}
