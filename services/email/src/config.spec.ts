import { ConfigError, loadConfig } from '@order-platform/service-kit';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config';

const env = {
  SERVICE_NAME: 'email',
  PORT: '3004',
  DATABASE_URL: 'postgres://email:email@127.0.0.1:5432/platform',
  KAFKA_BROKERS: '127.0.0.1:9092',
  SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: '1025',
};

describe('configSchema', () => {
  it('links to the read side’s order timeline by default', () => {
    expect(loadConfig(configSchema, env).ORDER_PAGE_URL).toBe(
      'http://127.0.0.1:3005/orders/{orderId}/timeline',
    );
  });

  it('takes an http(s) URL template for the order page', () => {
    const config = loadConfig(configSchema, {
      ...env,
      ORDER_PAGE_URL: 'https://shop.example/orders/{orderId}',
    });
    expect(config.ORDER_PAGE_URL).toBe('https://shop.example/orders/{orderId}');
  });

  it.each(['http://127.0.0.1:3001/orders/', 'orders/{orderId}', 'ftp://example.org/{orderId}'])(
    'refuses %s as ORDER_PAGE_URL, naming the setting',
    (value) => {
      expect(() => loadConfig(configSchema, { ...env, ORDER_PAGE_URL: value })).toThrow(ConfigError);
      expect(() => loadConfig(configSchema, { ...env, ORDER_PAGE_URL: value })).toThrow(
        /ORDER_PAGE_URL: .*got "/,
      );
    },
  );
});
