import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { newEnvelope, outboxEvent } from '@order-platform/contracts';
import { type EventEnvelope, type OutboxWriter, PermanentError } from '@order-platform/messaging';
import { CONFIG, OUTBOX_WRITER } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
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
  correlationId: string;
}

/**
 * Sends one email of a kind about an order, at most once per (order, kind), and records it
 * as EmailSent. Everything happens in the consumer's transaction: the sent_emails row is
 * inserted first (its unique (order, kind) makes a redelivered or re-emitted event a no-op),
 * then the email is sent, then EmailSent goes to the outbox. A failed send throws, the
 * transaction rolls back (row included) and the runner retries.
 *
 * The window that remains: the server accepted the email but the commit then failed (the
 * process died, the database went away). The retry sends it again. It cannot be closed
 * without a transaction spanning SMTP and Postgres; it is narrowed by sending last, just
 * before the commit (nothing that can fail on bad data runs after it), and softened by the
 * deterministic Message-ID, by which mail servers and clients recognise the duplicate.
 * Not sending at all would be worse than a rare second copy.
 */
@Injectable()
export class SendOrderEmail {
  private readonly logger = new Logger(SendOrderEmail.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly emails: SentEmailsRepository,
    private readonly mailer: SmtpMailer,
  ) {}

  async handle(tx: PoolClient, command: SendOrderEmailCommand, envelope: EventEnvelope): Promise<void> {
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
    const accepted = await this.mailer.send(email, messageId);
    const sequence = await this.emails.markSent(tx, emailId, orderId, accepted);
    const history = await this.emails.history(tx, orderId);
    const topic = 'email.email-sent.v1';
    await this.outbox.append(tx, [
      outboxEvent(topic, {
        ...newEnvelope(topic, {
          aggregateId: orderId,
          sequence,
          correlationId: command.correlationId,
          causationId: envelope.eventId,
        }),
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

  private compose(facts: OrderEmailFacts): OrderEmail {
    try {
      return composeOrderEmail(facts, orderPageUrl(this.config.ORDER_PAGE_URL, facts.orderId));
    } catch (error) {
      if (error instanceof InvalidEmailError) throw new PermanentError(error.message, { cause: error });
      throw error;
    }
  }
}
