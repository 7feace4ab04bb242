import type { Migration } from '@order-platform/postgres';

/** The email service's own tables, in its schema `email`. */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'sent emails',
    sql: `
      create table order_emails (
        order_id uuid primary key,
        -- The sequence of the order's EmailSent events.
        version integer not null default 0
      );
      create table sent_emails (
        id uuid primary key,
        order_id uuid not null references order_emails (order_id),
        kind text not null,
        recipient text not null,
        subject text not null,
        smtp_message_id text,
        sent_at timestamptz not null,
        unique (order_id, kind)
      );
    `,
  },
  {
    version: 2,
    name: 'send attempts',
    sql: `
      -- Written and committed before each SMTP send, outside the consumer's transaction: an
      -- attempt without a sent_emails row is one whose outcome is unknown (the commit after
      -- the send failed), settled by asking the sink before sending again.
      create table email_send_attempts (
        message_id text primary key,
        attempted_at timestamptz not null default now()
      );
    `,
  },
];
