import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CONFIG } from '@order-platform/service-kit';
import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../config';
import type { OrderEmail } from '../domain/order-email';

/** Hands emails to the SMTP server (maildev in development). */
@Injectable()
export class SmtpMailer implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(CONFIG) private readonly config: Config) {
    this.transport = createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: false,
      // A hanging server must not hold the handler's transaction (and the partition) for long.
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS,
    });
  }

  /** Sends the email under `messageId`; returns the Message-ID the server accepted. */
  async send(email: OrderEmail, messageId: string): Promise<string> {
    const info = (await this.transport.sendMail({
      from: this.config.EMAIL_FROM,
      to: email.recipient,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId,
    })) as { messageId?: string };
    return info.messageId ?? messageId;
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
