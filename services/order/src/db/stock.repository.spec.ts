import { describe, expect, it } from 'vitest';
import { quantitiesBySku } from './stock.repository';

const line = (sku: string, quantity: number) => ({ sku, name: sku, quantity, unitPriceMinor: 100 });

describe('quantitiesBySku', () => {
  it('adds up lines of the same SKU and sorts by SKU, the one locking order for every reservation', () => {
    expect(
      quantitiesBySku([line('SKU-TRAY-010', 2), line('SKU-MUG-002', 1), line('SKU-TRAY-010', 3)]),
    ).toEqual([
      ['SKU-MUG-002', 1],
      ['SKU-TRAY-010', 5],
    ]);
  });
});
