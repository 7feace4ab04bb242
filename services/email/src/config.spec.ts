import { ConfigError, loadConfig } from '@order-platform/service-kit';
import { processEnv } from '@order-platform/topology';
import { describe, expect, it } from 'vitest';
import { configSchema } from './config';

/** The email service's settings on the native stack (the topology's), but for the order page: its default is tested. */
const env = Object.fromEntries(
  Object.entries(processEnv('email', {})).filter(([name]) => name !== 'ORDER_PAGE_URL'),
);

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
