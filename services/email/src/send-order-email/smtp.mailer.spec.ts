import { describe, expect, it } from 'vitest';
import { isSinkOutage } from './smtp.mailer';

describe('isSinkOutage', () => {
  it('sees a server that cannot be reached or says "later" as an outage', () => {
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNREFUSED'])
      expect(isSinkOutage(Object.assign(new Error(code), { code }))).toBe(true);
    expect(isSinkOutage(Object.assign(new Error('421 busy'), { code: 'EENVELOPE', responseCode: 421 }))).toBe(
      true,
    );
  });

  it('leaves a refusal of this email (5xx) and anything else to the retry path', () => {
    expect(
      isSinkOutage(Object.assign(new Error('550 no such user'), { code: 'EENVELOPE', responseCode: 550 })),
    ).toBe(false);
    expect(isSinkOutage(new Error('boom'))).toBe(false);
    expect(isSinkOutage('text')).toBe(false);
  });
});
