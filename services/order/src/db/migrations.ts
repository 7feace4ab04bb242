import type { Migration } from '@order-platform/postgres';

/** The catalogue's stock at first start (the basket service seeds the same SKUs). */
const INITIAL_STOCK: readonly (readonly [string, number])[] = [
  ['SKU-TEA-001', 1000],
  ['SKU-MUG-002', 1000],
  ['SKU-POT-003', 200],
  ['SKU-CUP-004', 500],
  ['SKU-BEAN-005', 1000],
  ['SKU-GRND-006', 100],
  ['SKU-KETL-007', 100],
  ['SKU-SCAL-008', 100],
  ['SKU-FLTR-009', 5000],
  ['SKU-TRAY-010', 50],
  ['SKU-LTD-011', 5],
  ['SKU-RARE-012', 2],
];

/** The order service's own tables, in its schema `orders` (the role's search_path). */
export const migrations: Migration[] = [
  {
    version: 1,
    name: 'orders, lines, history, stock and reservations',
    sql: `
      create table orders (
        id uuid primary key,
        customer_id text not null,
        customer_email text not null,
        currency text not null,
        total_minor bigint not null,
        status text not null,
        -- The sequence of the events the order's latest change emitted.
        version integer not null,
        shipping_address jsonb not null,
        payment_token text not null,
        payment_id uuid,
        shipment_id uuid,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );

      create table order_lines (
        order_id uuid not null references orders (id),
        line_no integer not null,
        sku text not null,
        name text not null,
        quantity integer not null,
        unit_price_minor bigint not null,
        primary key (order_id, line_no)
      );

      create table order_history (
        order_id uuid not null references orders (id),
        position integer not null,
        from_status text,
        to_status text not null,
        at timestamptz not null,
        cause text not null,
        reason text,
        primary key (order_id, position)
      );

      create table stock (
        sku text primary key,
        available integer not null check (available >= 0)
      );

      -- What an order holds, so that cancelling it releases exactly that.
      create table reservations (
        order_id uuid not null references orders (id),
        sku text not null references stock (sku),
        quantity integer not null check (quantity > 0),
        primary key (order_id, sku)
      );

      insert into stock (sku, available) values
        ${INITIAL_STOCK.map(([sku, available]) => `('${sku}', ${available})`).join(',\n        ')}
      on conflict (sku) do nothing;
    `,
  },
];
