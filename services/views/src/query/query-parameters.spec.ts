import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  customerIdParam,
  dayRangeQuery,
  MAX_DAYS,
  MAX_PAGE_SIZE,
  orderIdParam,
  pagingQuery,
} from './query-parameters';

/** What the validation pipe would say, field by field (its own spec covers how it joins them). */
const refusals = (schema: z.ZodType, value: unknown) =>
  schema.safeParse(value).error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);

describe('orderIdParam', () => {
  it('reads a UUID in any case as lower case', () => {
    expect(orderIdParam.parse('6F1C2D3E-0000-4000-8000-00000000000A')).toBe(
      '6f1c2d3e-0000-4000-8000-00000000000a',
    );
  });

  it('refuses anything else, saying it is not an order id', () => {
    expect(refusals(orderIdParam, 'not-a-uuid')).toEqual([': "not-a-uuid" is not an order id (a UUID)']);
  });
});

describe('customerIdParam', () => {
  it('takes 1 to 200 characters', () => {
    expect(customerIdParam.parse('c'.repeat(200))).toHaveLength(200);
    expect(refusals(customerIdParam, 'c'.repeat(201))).toEqual([': must be 1 to 200 characters']);
  });
});

describe('pagingQuery', () => {
  it('gives the defaults when the parameters are absent or empty', () => {
    expect(pagingQuery.parse({})).toEqual({ page: 1, pageSize: 20 });
    expect(pagingQuery.parse({ page: '', pageSize: '' })).toEqual({ page: 1, pageSize: 20 });
  });

  it('reads whole numbers within the bounds, the bounds included', () => {
    expect(pagingQuery.parse({ page: '007', pageSize: '1' })).toEqual({ page: 7, pageSize: 1 });
    expect(pagingQuery.parse({ pageSize: String(MAX_PAGE_SIZE) })).toMatchObject({ pageSize: MAX_PAGE_SIZE });
  });

  it.each(['0', '101', '-1', '1.5', '1e2', 'ten', ' 5'])(
    'refuses pageSize %j, naming it and the bounds',
    (value) => {
      expect(refusals(pagingQuery, { pageSize: value })).toEqual([
        `pageSize: must be a whole number from 1 to 100, got "${value}"`,
      ]);
    },
  );

  it('refuses a parameter given twice', () => {
    expect(refusals(pagingQuery, { page: ['1', '2'] })).toEqual([expect.stringMatching(/^page: /)]);
  });
});

describe('dayRangeQuery', () => {
  it('takes two dates, from before or equal to, both included in at most MAX_DAYS days', () => {
    expect(dayRangeQuery.parse({ from: '2028-02-29', to: '2028-02-29' })).toEqual({
      from: '2028-02-29',
      to: '2028-02-29',
    });
    expect(dayRangeQuery.safeParse({ from: '2024-01-01', to: '2024-12-31' }).success).toBe(true);
    expect(refusals(dayRangeQuery, { from: '2024-01-01', to: '2025-01-01' })).toEqual([
      `: at most ${MAX_DAYS} days at once, asked for 367`,
    ]);
  });

  it.each(['2026-02-30', '2026-02-29', '2026-13-01', '2026-00-10'])(
    'refuses %s, a date that does not exist',
    (value) => {
      expect(refusals(dayRangeQuery, { from: '2026-01-01', to: value })).toEqual([
        `to: must be a calendar date written YYYY-MM-DD, got "${value}"`,
      ]);
    },
  );

  it.each(['2026-3-01', '01.03.2026', '2026-03-01T00:00:00Z', ' 2026-03-01', 'yesterday'])(
    'refuses %s, not written YYYY-MM-DD',
    (value) => {
      expect(refusals(dayRangeQuery, { from: value, to: '2026-03-01' })).toEqual([
        expect.stringMatching(/^from: must be a calendar date written YYYY-MM-DD/),
      ]);
    },
  );

  it('says which parameter is missing, and judges the range only once both are dates', () => {
    expect(refusals(dayRangeQuery, { to: '2026-03-01' })).toEqual(['from: is required (YYYY-MM-DD)']);
    expect(refusals(dayRangeQuery, { from: '2026-03-02', to: 'x' })).toHaveLength(1);
  });

  it('refuses a range that ends before it starts', () => {
    expect(refusals(dayRangeQuery, { from: '2026-03-02', to: '2026-03-01' })).toEqual([
      ': from (2026-03-02) is after to (2026-03-01)',
    ]);
  });
});
