import type { Migration } from '@order-platform/postgres';

/** The shipping service's own tables, in its schema `shipping`. */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'shipments',
    sql: `
      create table shipments (
        id uuid primary key,
        order_id uuid not null unique,
        carrier text not null,
        tracking_number text not null,
        status text,
        timeline jsonb not null default '[]',
        next_status text,
        next_due_at timestamptz,
        version integer not null default 0,
        correlation_id text not null,
        confirmed_event_id text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );
      create index shipments_due on shipments (next_due_at) where next_due_at is not null;
    `,
  },
];
