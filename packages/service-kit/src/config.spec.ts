import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { baseConfigSchema, ConfigError, loadConfig } from './config';

const validEnv = {
  SERVICE_NAME: 'basket',
  PORT: '3000',
  DATABASE_URL: 'postgres://basket:basket@127.0.0.1:5432/platform',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
};

describe('loadConfig', () => {
  it('parses a valid environment and applies defaults', () => {
    const config = loadConfig(baseConfigSchema, validEnv);
    expect(config).toMatchObject({ PORT: 3000, LOG_LEVEL: 'info', HOST: '0.0.0.0' });
    expect(config).toMatchObject({
      PG_STATEMENT_TIMEOUT_MS: 15_000,
      PG_LOCK_TIMEOUT_MS: 5_000,
      PG_CONNECTION_TIMEOUT_MS: 3_000,
      KAFKA_SESSION_TIMEOUT_MS: 10_000,
      HOUSEKEEPING_INTERVAL_MS: 300_000,
    });
  });

  it('names every missing and every bad setting in one error', () => {
    const env = { ...validEnv, PORT: 'eighty', KAFKA_BROKERS: 'localhost' } as Record<
      string,
      string | undefined
    >;
    delete env.DATABASE_URL;
    let error: unknown;
    try {
      loadConfig(baseConfigSchema, env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('DATABASE_URL: missing');
    expect(message).toMatch(/PORT: .*got "eighty"/);
    expect(message).toMatch(/KAFKA_BROKERS: expected host:port/);
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('validates the settings a service adds', () => {
    const schema = baseConfigSchema.extend({ SMTP_PORT: z.coerce.number().int() });
    expect(() => loadConfig(schema, validEnv)).toThrow(/SMTP_PORT: missing/);
    expect(loadConfig(schema, { ...validEnv, SMTP_PORT: '1025' }).SMTP_PORT).toBe(1025);
  });
});
