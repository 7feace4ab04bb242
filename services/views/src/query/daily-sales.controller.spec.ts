import { BadRequestException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { parseDay } from './daily-sales.controller';

describe('parseDay', () => {
  it('reads a calendar date as UTC midnight', () => {
    expect(parseDay('from', '2026-02-28').toISOString()).toBe('2026-02-28T00:00:00.000Z');
    expect(parseDay('from', '2028-02-29').toISOString()).toBe('2028-02-29T00:00:00.000Z');
  });

  it.each(['2026-02-30', '2026-02-29', '2026-13-01', '2026-00-10'])(
    'refuses %s, a date that does not exist',
    (value) => {
      expect(() => parseDay('to', value)).toThrow(BadRequestException);
      expect(() => parseDay('to', value)).toThrow(
        `to must be a calendar date written YYYY-MM-DD, got "${value}"`,
      );
    },
  );

  it.each(['2026-3-01', '01.03.2026', '2026-03-01T00:00:00Z', ' 2026-03-01', 'yesterday'])(
    'refuses %s, not written YYYY-MM-DD',
    (value) => {
      expect(() => parseDay('from', value)).toThrow(/^from must be a calendar date written YYYY-MM-DD/);
    },
  );

  it.each([undefined, ''])('says the parameter is required when it is %j', (value) => {
    expect(() => parseDay('from', value)).toThrow(BadRequestException);
    expect(() => parseDay('from', value)).toThrow('from is required (YYYY-MM-DD)');
  });
});
