import type { Migration } from '@order-platform/messaging';

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
];
