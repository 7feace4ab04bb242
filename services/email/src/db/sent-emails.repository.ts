import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import type { EmailKind } from '../domain/order-email';

export interface SentEmailRow {
  emailId: string;
  kind: EmailKind;
  recipient: string;
  subject: string;
  sentAt: Date;
}

@Injectable()
export class SentEmailsRepository {
  /**
   * Locks the order's email log (creating it), so that the emails of one order are
   * recorded one after another and each EmailSent's history includes every earlier one.
   */
  async lockOrder(tx: PoolClient, orderId: string): Promise<void> {
    await tx.query('insert into order_emails (order_id) values ($1) on conflict do nothing', [orderId]);
    await tx.query('select 1 from order_emails where order_id = $1 for update', [orderId]);
  }

  /** Records an email about to be sent; false when this kind was already sent for the order. */
  async record(
    tx: PoolClient,
    email: {
      emailId: string;
      orderId: string;
      kind: EmailKind;
      recipient: string;
      subject: string;
      messageId: string;
    },
  ): Promise<boolean> {
    const result = await tx.query(
      `insert into sent_emails (id, order_id, kind, recipient, subject, smtp_message_id, sent_at)
       values ($1, $2, $3, $4, $5, $6, now())
       on conflict (order_id, kind) do nothing`,
      [email.emailId, email.orderId, email.kind, email.recipient, email.subject, email.messageId],
    );
    return result.rowCount === 1;
  }

  /** Stores what the mail server said, and returns the order's new version (the EmailSent sequence). */
  /**
   * Notes, committed at once on its own connection, that the email is about to be sent;
   * false when an earlier attempt was noted (its outcome unknown unless it was recorded sent).
   */
  async noteAttempt(pool: Pool, messageId: string): Promise<boolean> {
    const noted = await pool.query(
      'insert into email_send_attempts (message_id) values ($1) on conflict (message_id) do nothing',
      [messageId],
    );
    return noted.rowCount === 1;
  }

  async markSent(tx: PoolClient, emailId: string, orderId: string, messageId: string): Promise<number> {
    await tx.query('update sent_emails set smtp_message_id = $2, sent_at = clock_timestamp() where id = $1', [
      emailId,
      messageId,
    ]);
    const result = await tx.query<{ version: number }>(
      'update order_emails set version = version + 1 where order_id = $1 returning version',
      [orderId],
    );
    const version = result.rows[0]?.version;
    if (version === undefined) throw new Error(`no email log for order ${orderId}`);
    return version;
  }

  /** Every email sent about the order, oldest first. */
  async history(tx: PoolClient, orderId: string): Promise<SentEmailRow[]> {
    const result = await tx.query<{
      id: string;
      kind: EmailKind;
      recipient: string;
      subject: string;
      sent_at: Date;
    }>(
      'select id, kind, recipient, subject, sent_at from sent_emails where order_id = $1 order by sent_at, id',
      [orderId],
    );
    return result.rows.map((r) => ({
      emailId: r.id,
      kind: r.kind,
      recipient: r.recipient,
      subject: r.subject,
      sentAt: r.sent_at,
    }));
  }
}
