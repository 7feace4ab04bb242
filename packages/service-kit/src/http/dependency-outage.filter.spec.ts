import { DependencyUnavailableError } from '@order-platform/messaging';
import { describe, expect, it } from 'vitest';
import { outageOf } from './dependency-outage.filter';

describe('outageOf', () => {
  it('names the database for a lost or refused Postgres connection', () => {
    expect(
      outageOf(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })),
    ).toBe('database');
    expect(outageOf(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe('database');
    expect(outageOf(new Error('Connection terminated unexpectedly'))).toBe('database');
  });

  it('names the dependency a DependencyUnavailableError names', () => {
    expect(outageOf(new DependencyUnavailableError('smtp', 'refused'))).toBe('smtp');
  });

  it('leaves every other error alone', () => {
    expect(outageOf(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeUndefined();
    expect(outageOf(new Error('boom'))).toBeUndefined();
  });
});
