import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type OutboxWriter, PermanentError } from '@order-platform/messaging';
import { CONFIG, type EventCause, OUTBOX_WRITER, outgoingEvent, PG_POOL } from '@order-platform/service-kit';
import type { Pool, PoolClient } from 'pg';
import type { Config } from '../config';
import { SentEmailsRepository } from '../db/sent-emails.repository';
import {
  composeOrderEmail,
  InvalidEmailError,
  messageIdOf,
  type OrderEmail,
  type OrderEmailFacts,
  orderPageUrl,
} from '../domain/order-email';
import { SmtpMailer } from './smtp.mailer';

/** What the consumed event says, plus its ids for the EmailSent it causes. */
export interface SendOrderEmailCommand {
  facts: OrderEmailFacts;
  /** The consumed event's correlation id and event id (the EmailSent's causation id). */
  cause: EventCause;
}

/**
 * Sends one email of a kind about an order, at most once per (order, kind), and records it
 * as EmailSent. Everything happens in the consumer's transaction: the sent_emails row is
 * inserted first (its unique (order, kind) makes a redelivered or re-emitted event a no-op),
 * then the email is sent, then EmailSent goes to the outbox. A failed send throws, the
 * transaction rolls back (row included) and the runner retries.
 *
 * The window of a side effect outside the transaction: the server accepted the email but
 * the commit then failed (the process died, the database went away). So each send is first
 * noted as an attempt, committed on its own; a redelivery that finds an attempt but no sent
 * row asks the sink (SMTP_LOOKUP_URL) whether the email arrived, under its deterministic
 * Message-ID, and only sends when it did not. Without a lookup it sends again: not sending
 * at all would be worse than a rare second copy.
 */
@Injectable()
export class SendOrderEmail {
  private readonly logger = new Logger(SendOrderEmail.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly emails: SentEmailsRepository,
    private readonly mailer: SmtpMailer,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  async handle(tx: PoolClient, command: SendOrderEmailCommand): Promise<void> {
    const { orderId, kind } = command.facts;
    const email = this.compose(command.facts);
    await this.emails.lockOrder(tx, orderId);
    const emailId = randomUUID();
    const messageId = messageIdOf(orderId, kind, this.config.EMAIL_MESSAGE_ID_DOMAIN);
    const recorded = await this.emails.record(tx, {
      emailId,
      orderId,
      kind,
      recipient: email.recipient,
      subject: email.subject,
      messageId,
    });
    if (!recorded) {
      this.logger.log({ orderId, kind }, 'email already sent');
      return;
    }
    const accepted = await this.sendOnce(email, messageId);
    const sequence = await this.emails.markSent(tx, emailId, orderId, accepted);
    const history = await this.emails.history(tx, orderId);
    await this.outbox.append(tx, [
      outgoingEvent('email.email-sent.v1', { orderId, version: sequence }, command.cause, {
        emailId,
        kind,
        recipient: email.recipient,
        subject: email.subject,
        smtpMessageId: accepted,
        history: history.map((h) => ({
          emailId: h.emailId,
          kind: h.kind,
          recipient: h.recipient,
          subject: h.subject,
          sentAt: h.sentAt.getTime(),
        })),
      }),
    ]);
    this.logger.log({ orderId, kind, messageId: accepted }, 'email sent');
  }

  /**
   * Sends unless an earlier attempt already got it to the sink: the attempt is noted (and
   * committed) before the send, so a redelivery after a failed commit knows to ask first.
   */
  private async sendOnce(email: OrderEmail, messageId: string): Promise<string> {
    const first = await this.emails.noteAttempt(this.pool, messageId);
    if (!first && (await this.mailer.wasDelivered(messageId))) {
      this.logger.log({ messageId }, 'an earlier attempt delivered the email: not sent again');
      return messageId;
    }
    return this.mailer.send(email, messageId);
  }

  private compose(facts: OrderEmailFacts): OrderEmail {
    try {
      return composeOrderEmail(facts, orderPageUrl(this.config.ORDER_PAGE_URL, facts.orderId));
    } catch (error) {
      if (error instanceof InvalidEmailError) throw new PermanentError(error.message, { cause: error });
      throw error;
    }
  }
}
