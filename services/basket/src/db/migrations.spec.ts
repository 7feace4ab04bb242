import { describe, expect, it } from 'vitest';
import { CATALOGUE, migrations } from './migrations';

describe('the catalogue migration', () => {
  it('seeds the 12 shared SKUs once each, at positive prices', () => {
    expect(CATALOGUE).toHaveLength(12);
    expect(new Set(CATALOGUE.map((p) => p.sku)).size).toBe(12);
    expect(CATALOGUE.every((p) => Number.isInteger(p.priceMinor) && p.priceMinor > 0)).toBe(true);
    for (const p of CATALOGUE) expect(migrations[0]?.sql).toContain(`('${p.sku}', `);
  });

  it('numbers its migrations 1, 2, …', () => {
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });
});
