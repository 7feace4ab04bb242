import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { commandSettings } from './command-settings';

describe('commandSettings', () => {
  const shape = { KAFKA_BROKERS: z.string(), DATABASE_URL: z.url() };

  it("defaults each variable to the native stack's, as the named process gets it there", () => {
    expect(commandSettings(shape, { as: 'views', env: { PG_PORT: '6543' } })).toEqual({
      KAFKA_BROKERS: '127.0.0.1:9092',
      DATABASE_URL: 'postgres://views:views@127.0.0.1:6543/platform',
    });
  });

  it('takes what the environment sets over the default', () => {
    const env = { KAFKA_BROKERS: 'kafka:9092', DATABASE_URL: 'postgres://a:b@db:5432/platform' };
    expect(commandSettings(shape, { as: 'views', env })).toEqual(env);
  });

  it('names every missing or bad setting', () => {
    expect(() => commandSettings(shape, { env: { DATABASE_URL: 'not a url' } })).toThrow(
      /DATABASE_URL: .*url/i,
    );
    expect(() => commandSettings({ SOMETHING: z.string() }, { env: {} })).toThrow(/SOMETHING: missing/);
  });
});
