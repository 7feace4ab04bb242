import type { Migration } from '@order-platform/postgres';

/** The payment service's own tables, in its schema (the role's search_path). */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'payments',
    sql: `
      create table payments (
        order_id            text        primary key,
        payment_id          uuid        not null unique,
        amount_minor        bigint      not null check (amount_minor > 0),
        currency            char(3)     not null,
        status              text        not null check (status in ('PENDING', 'PROCESSED', 'FAILED')),
        provider_reference  text,
        failure_reason_code text        check (failure_reason_code in ('DECLINED', 'INSUFFICIENT_FUNDS', 'PROVIDER_ERROR')),
        failure_reason      text,
        attempts            integer     not null default 0,
        version             bigint      not null default 0,
        created_at          timestamptz not null default now(),
        updated_at          timestamptz not null default now()
      );
    `,
  },
  {
    version: 2,
    name: 'payments: intent, attempts and lease',
    // The charge left the consumer's transaction: a payment is now stored as a due intent
    // first, worked by the charger. PENDING stays allowed only for an instance of the
    // previous version sharing the schema during an upgrade (it writes it inside its own
    // transaction and never commits it).
    sql: `
      alter table payments drop constraint payments_status_check;
      alter table payments add constraint payments_status_check
        check (status in ('CHARGE_DUE', 'PENDING', 'PROCESSED', 'FAILED'));
      alter table payments
        add column payment_token   text,
        add column correlation_id  text,
        add column causation_id    text,
        add column validated_at    timestamptz,
        add column next_attempt_at timestamptz,
        add column lease_until     timestamptz,
        add column call_started_at timestamptz,
        add column last_error      text;
      update payments set validated_at = created_at;
      alter table payments alter column validated_at set not null;
      alter table payments add constraint payments_due_complete check (
        status <> 'CHARGE_DUE'
        or (payment_token is not null and correlation_id is not null and causation_id is not null
            and next_attempt_at is not null));
      create index payments_due on payments (next_attempt_at) where status = 'CHARGE_DUE';
    `,
  },
];
