import { type DynamicModule, Module } from '@nestjs/common';
import { CONSUMERS, MIGRATIONS, PlatformModule } from '@order-platform/service-kit';
import type { Config } from './config';
import { migrations } from './db/migrations';
import { SentEmailsRepository } from './db/sent-emails.repository';
import { orderEmailConsumers } from './send-order-email/order-email.consumers';
import { SendOrderEmail } from './send-order-email/send-order-email.handler';
import { SmtpMailer } from './send-order-email/smtp.mailer';

@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config)],
      providers: [
        { provide: MIGRATIONS, useValue: migrations },
        SentEmailsRepository,
        SmtpMailer,
        SendOrderEmail,
        { provide: CONSUMERS, inject: [SendOrderEmail], useFactory: orderEmailConsumers },
      ],
    };
  }
}
