import { TOPICS, topicsConsumedBy } from '@order-platform/contracts';
import { describe, expect, it } from 'vitest';
import { isViewName, VIEWS, viewNamed } from './catalog';
import { LIVE_SCHEMA, REBUILD_SCHEMA, tablesOf } from './view';

describe('VIEWS', () => {
  it('has the three views, with unique names', () => {
    expect(VIEWS.map((v) => v.name)).toEqual(['order-timeline', 'customer-orders', 'daily-sales']);
  });

  it('gives every table, positions included, a name no other view uses (a replay moves tables by name)', () => {
    const names = VIEWS.flatMap((v) => tablesOf(v));
    expect(names.length).toBeGreaterThan(VIEWS.length);
    expect(new Set(names).size).toBe(names.length);
  });

  it('prefixes every index with its table name, and creates each table in the schema asked for', () => {
    const indexes: string[] = [];
    for (const view of VIEWS) {
      for (const table of view.tables) {
        for (const schema of [LIVE_SCHEMA, REBUILD_SCHEMA] as const) {
          const ddl = table.ddl(schema);
          expect(ddl).toContain(`create table ${schema}.${table.name} (`);
          for (const [, index] of ddl.matchAll(/create\s+(?:unique\s+)?index\s+(\w+)/gi)) {
            expect(index?.startsWith(`${table.name}_`), `${index} of ${table.name}`).toBe(true);
            indexes.push(index!);
          }
        }
      }
    }
    expect(indexes).toContain('customer_orders_by_customer');
  });

  it('reads only catalogue topics that name views among their consumers', () => {
    const consumed = new Set(topicsConsumedBy('views').map((t) => t.topic));
    expect(consumed.size).toBe(TOPICS.length);
    for (const view of VIEWS) {
      expect(view.topics.length).toBeGreaterThan(0);
      for (const topic of view.topics) expect(consumed.has(topic), `${view.name}: ${topic}`).toBe(true);
    }
  });
});

describe('viewNamed', () => {
  it('finds a view by name', () => {
    expect(viewNamed('daily-sales').name).toBe('daily-sales');
    expect(isViewName('customer-orders')).toBe(true);
    expect(isViewName('orders')).toBe(false);
  });

  it('throws for an unknown view, naming the views there are', () => {
    expect(() => viewNamed('orders')).toThrow(
      'unknown view "orders": the views are order-timeline, customer-orders, daily-sales',
    );
  });
});
