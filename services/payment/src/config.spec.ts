import { ConfigError, loadConfig } from '@order-platform/service-kit';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config';

const required = {
  SERVICE_NAME: 'payment',
  PORT: '3002',
  DATABASE_URL: 'postgres://payment:payment@127.0.0.1:5432/platform',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
  PAYMENT_PROVIDER_URL: 'http://127.0.0.1:3099',
};

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(configSchema, { ...required, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('payment configuration', () => {
  it('defaults the charger: 10-minute deadline, a lease over two calls, backoff up to 12 s', () => {
    expect(loadConfig(configSchema, required)).toMatchObject({
      PAYMENT_TIMEOUT_MS: 1000,
      PAYMENT_POLL_INTERVAL_MS: 500,
      PAYMENT_LEASE_MS: 15_000,
      PAYMENT_CHARGE_RETRY_INITIAL_DELAY_MS: 500,
      PAYMENT_CHARGE_RETRY_MAX_DELAY_MS: 12_000,
      PAYMENT_DEADLINE_MS: 600_000,
    });
  });

  it('refuses a lease that a lookup and a charge call could outlast', () => {
    expect(problemsOf({ PAYMENT_TIMEOUT_MS: '5000', PAYMENT_LEASE_MS: '10000' })).toMatch(
      /PAYMENT_LEASE_MS: must be more than twice PAYMENT_TIMEOUT_MS/,
    );
    expect(
      loadConfig(configSchema, { ...required, PAYMENT_TIMEOUT_MS: '5000', PAYMENT_LEASE_MS: '10001' }),
    ).toMatchObject({ PAYMENT_LEASE_MS: 10_001 });
  });

  it('names a malformed deadline', () => {
    expect(problemsOf({ PAYMENT_DEADLINE_MS: 'ten minutes' })).toMatch(
      /PAYMENT_DEADLINE_MS: .*got "ten minutes"/,
    );
  });
});
