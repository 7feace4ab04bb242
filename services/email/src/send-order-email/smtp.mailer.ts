import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { DependencyUnavailableError } from '@order-platform/messaging';
import { CONFIG } from '@order-platform/service-kit';
import { createTransport, type Transporter } from 'nodemailer';
import type { Config } from '../config';
import type { OrderEmail } from '../domain/order-email';

/** nodemailer's codes for a server it could not talk to (refused, timed out, dropped, not found). */
const OUTAGE_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET']);

export function isSinkOutage(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, responseCode } = error as { code?: unknown; responseCode?: unknown };
  if (typeof code === 'string' && OUTAGE_CODES.has(code)) return true;
  return typeof responseCode === 'number' && responseCode >= 400 && responseCode < 500;
}

/** Hands emails to the SMTP server (maildev in development). */
@Injectable()
export class SmtpMailer implements OnApplicationShutdown {
  private readonly transport: Transporter;

  constructor(@Inject(CONFIG) private readonly config: Config) {
    this.transport = createTransport({
      host: config.SMTP_HOST,
      port: config.SMTP_PORT,
      secure: false,
      // Connections are kept and reused: a new one per email (TCP, greeting, EHLO) cost as
      // much as the email itself. A pooled connection the server dropped fails its send
      // with a connection error (an outage: the message is held and tried again on a new one).
      pool: true,
      maxConnections: 8,
      // A hanging server must not hold the handler's transaction (and the partition) for long.
      connectionTimeout: config.SMTP_TIMEOUT_MS,
      greetingTimeout: config.SMTP_TIMEOUT_MS,
      socketTimeout: config.SMTP_TIMEOUT_MS,
    });
  }

  /**
   * Sends the email under `messageId`; returns the Message-ID the server accepted. A server
   * that cannot be reached, or answers "try again later" (4xx), is an outage of the sink,
   * not a fault of this email: the consumer holds its partition and tries again when the
   * server answers, instead of parking every email of the outage in retry topics.
   */
  async send(email: OrderEmail, messageId: string): Promise<string> {
    try {
      const info = (await this.transport.sendMail({
        from: this.config.EMAIL_FROM,
        to: email.recipient,
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId,
      })) as { messageId?: string };
      return info.messageId ?? messageId;
    } catch (error) {
      if (isSinkOutage(error)) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new DependencyUnavailableError('smtp', reason, { cause: error });
      }
      throw error;
    }
  }

  /**
   * Whether the sink already holds the email sent under `messageId` (maildev's
   * GET /email?messageId=…); false without SMTP_LOOKUP_URL. A sink that does not answer is an outage.
   */
  async wasDelivered(messageId: string): Promise<boolean> {
    const url = this.config.SMTP_LOOKUP_URL;
    if (url === undefined) return false;
    const bare = messageId.replace(/^<|>$/g, '');
    let emails: { messageId?: string }[];
    try {
      // maildev filters its list by any field in dot notation: only this email comes back.
      const lookup = new URL('/email', url);
      lookup.searchParams.set('messageId', bare);
      const response = await fetch(lookup, {
        signal: AbortSignal.timeout(this.config.SMTP_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`GET /email answered ${response.status}`);
      emails = (await response.json()) as { messageId?: string }[];
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new DependencyUnavailableError('smtp', `lookup: ${reason}`, { cause: error });
    }
    return emails.some((e) => e.messageId?.replace(/^<|>$/g, '') === bare);
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
