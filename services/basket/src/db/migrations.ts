import type { Migration } from '@order-platform/postgres';

/**
 * The catalogue every service shares: the order service seeds stock for the same SKUs,
 * so a change here must be made there too.
 */
export const CATALOGUE = [
  { sku: 'SKU-TEA-001', name: 'Sencha green tea, 100 g', priceMinor: 1250 },
  { sku: 'SKU-MUG-002', name: 'Stoneware mug', priceMinor: 1899 },
  { sku: 'SKU-POT-003', name: 'Cast-iron teapot', priceMinor: 4900 },
  { sku: 'SKU-CUP-004', name: 'Espresso cup set', priceMinor: 2400 },
  { sku: 'SKU-BEAN-005', name: 'Single-origin coffee beans, 250 g', priceMinor: 1450 },
  { sku: 'SKU-GRND-006', name: 'Hand coffee grinder', priceMinor: 6900 },
  { sku: 'SKU-KETL-007', name: 'Gooseneck kettle', priceMinor: 5900 },
  { sku: 'SKU-SCAL-008', name: 'Brewing scale', priceMinor: 3500 },
  { sku: 'SKU-FLTR-009', name: 'Paper filters, 100 pcs', priceMinor: 599 },
  { sku: 'SKU-TRAY-010', name: 'Bamboo tea tray', priceMinor: 2900 },
  { sku: 'SKU-LTD-011', name: 'Limited edition tea caddy', priceMinor: 8900 },
  { sku: 'SKU-RARE-012', name: 'Aged pu-erh cake, 357 g', priceMinor: 15900 },
] as const;

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'catalogue, baskets and checkouts',
    sql: `
      create table products (
        sku text primary key,
        name text not null,
        price_minor bigint not null check (price_minor > 0),
        currency char(3) not null
      );
      insert into products (sku, name, price_minor, currency) values
        ${CATALOGUE.map((p) => `(${quote(p.sku)}, ${quote(p.name)}, ${p.priceMinor}, 'EUR')`).join(',\n        ')}
      on conflict (sku) do nothing;

      create table baskets (
        basket_id uuid primary key,
        customer_id text not null,
        currency char(3) not null,
        -- [{ sku, name, quantity, unitPriceMinor }] in the order the items were added
        items jsonb not null default '[]',
        version integer not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );

      -- One checkout per basket; the idempotency key is unique across baskets, so a key
      -- can never answer with another basket's order.
      create table checkouts (
        basket_id uuid primary key references baskets (basket_id),
        order_id uuid not null unique,
        idempotency_key text not null unique,
        correlation_id uuid not null,
        payment_token text not null,
        email text not null,
        shipping_address jsonb not null,
        checked_out_at timestamptz not null
      );
    `,
  },
];
