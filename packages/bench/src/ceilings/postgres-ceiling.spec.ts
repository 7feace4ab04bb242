import { describe, expect, it } from 'vitest';
import { inlineParameters, parseOrderTransactions, pgbenchScript, referenceTables } from './postgres-ceiling';

const ORDER = '7a81785c-2812-489e-8e0c-90f958a15820';
const BASKET = '204a0d2a-3193-418b-9f0f-a407429b33f1';
const MESSAGE = '356698c8-6239-446d-a48e-ef49fc2d51fc';
const OTHER_ORDER = '11111111-2222-4333-8444-555555555555';

// Lines as the server writes them with log_min_duration_statement = 0 (shortened from a real capture).
const LOG = [
  '2026-12-07 21:20:39.775 UTC [919] basket@platform LOG:  duration: 0.020 ms  statement: begin',
  '2026-12-07 21:20:39.777 UTC [919] basket@platform LOG:  duration: 0.030 ms  parse <unnamed>: insert into baskets (basket_id, customer_id, currency, items, version) values ($1, $2, $3, $4, $5)',
  '2026-12-07 21:20:39.777 UTC [919] basket@platform LOG:  duration: 0.020 ms  bind <unnamed>: insert into baskets (basket_id, customer_id, currency, items, version) values ($1, $2, $3, $4, $5)',
  `2026-12-07 21:20:39.777 UTC [919] basket@platform DETAIL:  parameters: $1 = '${BASKET}', $2 = 'cust-o''brien', $3 = 'EUR', $4 = '[]', $5 = '1'`,
  '2026-12-07 21:20:39.777 UTC [919] basket@platform LOG:  duration: 0.110 ms  execute <unnamed>: insert into baskets (basket_id, customer_id, currency, items, version) values ($1, $2, $3, $4, $5)',
  `2026-12-07 21:20:39.777 UTC [919] basket@platform DETAIL:  parameters: $1 = '${BASKET}', $2 = 'cust-o''brien', $3 = 'EUR', $4 = '[]', $5 = '1'`,
  '2026-12-07 21:20:39.778 UTC [919] basket@platform LOG:  duration: 0.900 ms  statement: commit',
  // A poller that found nothing: no id of the order, so not the order's work.
  '2026-12-07 21:20:39.804 UTC [2656] payment@platform LOG:  duration: 0.020 ms  statement: begin',
  '2026-12-07 21:20:39.807 UTC [2656] payment@platform LOG:  duration: 0.013 ms  execute <unnamed>: select order_id from payments',
  "\t        where status = 'CHARGE_DUE' and next_attempt_at <= $1",
  '\t        for update skip locked',
  "2026-12-07 21:20:39.807 UTC [2656] payment@platform DETAIL:  parameters: $1 = '2026-12-07 21:20:39.806+00'",
  '2026-12-07 21:20:39.808 UTC [2656] payment@platform LOG:  duration: 0.010 ms  statement: commit',
  '2026-12-07 21:20:39.980 UTC [998] orders@platform LOG:  duration: 0.140 ms  statement: begin',
  '2026-12-07 21:20:39.982 UTC [998] orders@platform LOG:  duration: 1.322 ms  execute <unnamed>: insert into message_transactions',
  '\t       (consumer_group, message_id, topic, outcome)',
  "\t     values ($1, $2, $3, 'applied')",
  `2026-12-07 21:20:39.982 UTC [998] orders@platform DETAIL:  parameters: $1 = 'order.validate', $2 = '${MESSAGE}', $3 = 'basket.order-requested.v1'`,
  // Another backend's line in the middle of the transaction.
  '2026-12-07 21:20:39.983 UTC [1371] views@platform LOG:  duration: 0.026 ms  statement: begin',
  '2026-12-07 21:20:39.986 UTC [998] orders@platform LOG:  duration: 0.100 ms  execute <unnamed>: insert into order_history (order_id, position, from_status, to_status) values ($1, $2, $3, $4)',
  `2026-12-07 21:20:39.986 UTC [998] orders@platform DETAIL:  parameters: $1 = '${ORDER}', $2 = '1', $3 = NULL, $4 = 'PENDING'`,
  '2026-12-07 21:20:39.987 UTC [998] orders@platform LOG:  duration: 0.010 ms  statement: savepoint reserve_stock',
  '2026-12-07 21:20:39.989 UTC [998] orders@platform LOG:  duration: 0.050 ms  execute <unnamed>: update stock set available = available - $2 where sku = $1 and available >= $2',
  "2026-12-07 21:20:39.989 UTC [998] orders@platform DETAIL:  parameters: $1 = 'SKU-TEA-001', $2 = '1'",
  '2026-12-07 21:20:39.990 UTC [998] orders@platform LOG:  duration: 0.500 ms  statement: commit',
  '2026-12-07 21:20:39.991 UTC [1371] views@platform LOG:  duration: 0.010 ms  statement: rollback',
  // The basket's checkout: mentions the order and the basket, so it links the basket's first transaction.
  '2026-12-07 21:20:39.802 UTC [919] basket@platform LOG:  duration: 0.020 ms  statement: begin',
  '2026-12-07 21:20:39.803 UTC [919] basket@platform LOG:  duration: 0.030 ms  execute <unnamed>: insert into checkouts (basket_id, order_id) values ($1, $2)',
  `2026-12-07 21:20:39.803 UTC [919] basket@platform DETAIL:  parameters: $1 = '${BASKET}', $2 = '${ORDER}'`,
  '2026-12-07 21:20:39.803 UTC [919] basket@platform LOG:  duration: 0.030 ms  execute <unnamed>: insert into outbox (id, aggregateid, payload) values ($1, $2, $3)',
  `2026-12-07 21:20:39.803 UTC [919] basket@platform DETAIL:  parameters: $1 = '${MESSAGE}', $2 = '${ORDER}', $3 = '\\x0000000001483335'`,
  '2026-12-07 21:20:39.807 UTC [919] basket@platform LOG:  duration: 1.000 ms  statement: commit',
  // Autocommit, the order id inside a longer value.
  '2026-12-07 21:20:40.468 UTC [4215] email@platform LOG:  duration: 0.166 ms  execute <unnamed>: insert into email_send_attempts (message_id) values ($1) on conflict (message_id) do nothing',
  `2026-12-07 21:20:40.468 UTC [4215] email@platform DETAIL:  parameters: $1 = '<${ORDER}.order-confirmed@order-platform.local>'`,
  // Someone waiting for the order: reads only.
  '2026-12-07 21:20:40.500 UTC [998] orders@platform LOG:  duration: 0.020 ms  statement: begin',
  '2026-12-07 21:20:40.500 UTC [998] orders@platform LOG:  duration: 0.030 ms  execute <unnamed>: select * from orders where id = $1',
  `2026-12-07 21:20:40.500 UTC [998] orders@platform DETAIL:  parameters: $1 = '${ORDER}'`,
  '2026-12-07 21:20:40.501 UTC [998] orders@platform LOG:  duration: 0.020 ms  statement: commit',
  // Not a service's role, and another order.
  `2026-12-07 21:20:43.846 UTC [945] postgres@platform LOG:  duration: 1.078 ms  execute <unnamed>: select count(*) from orders.outbox where aggregateid = $1`,
  `2026-12-07 21:20:43.846 UTC [945] postgres@platform DETAIL:  parameters: $1 = '${ORDER}'`,
  `2026-12-07 21:20:44.000 UTC [999] orders@platform LOG:  duration: 0.100 ms  execute <unnamed>: update orders set status = 'X' where id = $1`,
  `2026-12-07 21:20:44.000 UTC [999] orders@platform DETAIL:  parameters: $1 = '${OTHER_ORDER}'`,
  '2026-12-07 21:20:44.100 UTC [894] LOG:  checkpoint starting: time',
  '',
].join('\n');

describe('parseOrderTransactions', () => {
  const transactions = parseOrderTransactions(LOG, ORDER);

  it("keeps the order's committed service transactions in commit order, linked by the ids they share", () => {
    expect(transactions.map((t) => t.user)).toEqual(['basket', 'orders', 'basket', 'email']);
  });

  it('inlines the logged parameters as literals: quotes doubled, NULL, bytea', () => {
    expect(transactions[0]?.statements).toEqual([
      `insert into baskets (basket_id, customer_id, currency, items, version) values ('${BASKET}', 'cust-o''brien', 'EUR', '[]', '1')`,
    ]);
    expect(transactions[1]?.statements[1]).toBe(
      `insert into order_history (order_id, position, from_status, to_status) values ('${ORDER}', '1', NULL, 'PENDING')`,
    );
    expect(transactions[2]?.statements[1]).toContain(`'\\x0000000001483335')`);
  });

  it("joins a statement's continuation lines and keeps savepoints inside the transaction", () => {
    expect(transactions[1]?.statements).toEqual([
      `insert into message_transactions\n       (consumer_group, message_id, topic, outcome)\n     values ('order.validate', '${MESSAGE}', 'basket.order-requested.v1', 'applied')`,
      `insert into order_history (order_id, position, from_status, to_status) values ('${ORDER}', '1', NULL, 'PENDING')`,
      'savepoint reserve_stock',
      "update stock set available = available - '1' where sku = 'SKU-TEA-001' and available >= '1'",
    ]);
  });
});

describe('inlineParameters', () => {
  it('leaves $n alone inside literals and quoted identifiers, and $1 apart from $10', () => {
    const parameters = "$1 = 'a', $10 = 'j''s'";
    expect(inlineParameters(`select $1, '$1', "$1", $10`, parameters)).toBe(`select 'a', '$1', "$1", 'j''s'`);
  });
});

describe('pgbenchScript', () => {
  const order = {
    orderId: ORDER,
    statements: 3,
    transactions: [
      {
        user: 'basket',
        statements: [
          `insert into checkouts (basket_id, order_id) values ('${BASKET}', '${ORDER.toUpperCase()}')`,
        ],
      },
      {
        user: 'orders',
        statements: [
          `insert into orders (id, at) values ('${ORDER}', '2026-12-07 21:20:39+00'::timestamptz);`,
          'update stock set available = available - 1',
        ],
      },
    ],
  };

  it('makes each uuid a fresh variable per execution and runs each transaction under its schema', () => {
    expect(
      pgbenchScript(
        order,
        new Map([
          ['orders', 'orders'],
          ['basket', 'basket'],
        ]),
      ),
    ).toBe(
      [
        'SELECT gen_random_uuid() AS u1, gen_random_uuid() AS u2 \\gset',
        'BEGIN;',
        'SET LOCAL search_path TO basket;',
        "insert into checkouts (basket_id, order_id) values (':u1', ':u2');",
        'COMMIT;',
        'BEGIN;',
        'SET LOCAL search_path TO orders;',
        "insert into orders (id, at) values (':u2', '2026-12-07 21:20:39+00'::timestamptz);",
        'update stock set available = available - 1;',
        'COMMIT;',
        '',
      ].join('\n'),
    );
  });

  it('finds the tables an order reads or updates without inserting into them', () => {
    expect(referenceTables(order, new Map())).toEqual(['orders.stock']);
  });
});
