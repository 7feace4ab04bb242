import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { intParameter, MAX_PAGE_SIZE } from './customer-orders.controller';

describe('intParameter', () => {
  it('gives the default when the parameter is absent or empty', () => {
    expect(intParameter('page', undefined, 1, 1, 10)).toBe(1);
    expect(intParameter('pageSize', '', 20, 1, MAX_PAGE_SIZE)).toBe(20);
  });

  it('reads a whole number within the bounds, the bounds included', () => {
    expect(intParameter('pageSize', '1', 20, 1, 100)).toBe(1);
    expect(intParameter('pageSize', '100', 20, 1, 100)).toBe(100);
    expect(intParameter('page', '007', 1, 1, 10)).toBe(7);
  });

  it.each(['0', '101', '-1', '1.5', '1e2', 'ten', ' 5'])(
    'refuses %j with a 400 naming the parameter',
    (value) => {
      expect(() => intParameter('pageSize', value, 20, 1, 100)).toThrow(BadRequestException);
      expect(() => intParameter('pageSize', value, 20, 1, 100)).toThrow(
        `pageSize must be a whole number from 1 to 100, got "${value}"`,
      );
    },
  );
});
