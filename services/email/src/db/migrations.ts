import type { Migration } from '@order-platform/messaging';

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
];
