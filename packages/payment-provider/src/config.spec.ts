import { ConfigError } from '@order-platform/service-kit';
import { describe, expect, it } from 'vitest';
import { type Config, loadProviderConfig as load } from './config';

describe('payment-provider configuration', () => {
  it('needs no setting at all', () => {
    expect(load({})).toEqual({
      SERVICE_NAME: 'payment-provider',
      PORT: 3099,
      HOST: '0.0.0.0',
      LOG_LEVEL: 'info',
      SHUTDOWN_TIMEOUT_MS: 10_000,
      SLOW_DELAY_MS: 3000,
      ALLOW_RESET: false,
    } satisfies Config);
  });

  it('reads its own settings', () => {
    expect(
      load({ PORT: '4000', SLOW_DELAY_MS: '250', ALLOW_RESET: 'true', IDEMPOTENCY_KEY_TTL_MS: '60000' }),
    ).toMatchObject({
      PORT: 4000,
      SLOW_DELAY_MS: 250,
      IDEMPOTENCY_KEY_TTL_MS: 60_000,
      ALLOW_RESET: true,
    });
  });

  it('names every bad setting', () => {
    let error: unknown;
    try {
      load({ PORT: 'eighty', SLOW_DELAY_MS: '-1', ALLOW_RESET: 'yes', IDEMPOTENCY_KEY_TTL_MS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message } = error as ConfigError;
    expect(message).toMatch(/PORT: .*got "eighty"/);
    expect(message).toMatch(/SLOW_DELAY_MS: .*got "-1"/);
    expect(message).toMatch(/IDEMPOTENCY_KEY_TTL_MS: .*got "0"/);
    expect(message).toMatch(/ALLOW_RESET: expected true or false \(got "yes"\)/);
  });
});
