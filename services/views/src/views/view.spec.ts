import { describe, expect, it } from 'vitest';
import { customerOrdersView } from './customer-orders.view';
import { dailySalesView } from './daily-sales.view';
import { at, positionsDdl, positionsTable, tablesOf } from './view';

describe('a view’s tables', () => {
  it('names the positions table after the view', () => {
    expect(positionsTable(dailySalesView)).toBe('daily_sales_positions');
    expect(positionsDdl(dailySalesView, 'views_rebuild')).toContain(
      'create table views_rebuild.daily_sales_positions (',
    );
  });

  it('lists the view’s tables in its order, positions last (the lock order of a swap)', () => {
    expect(tablesOf(customerOrdersView)).toEqual(['customer_orders', 'customer_orders_positions']);
  });

  it('turns an Avro timestamp-millis into a Date', () => {
    expect(at(Date.UTC(2026, 2, 1, 10)).toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });
});
