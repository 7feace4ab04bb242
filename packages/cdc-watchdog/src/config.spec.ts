import { describe, expect, it } from 'vitest';
import { loadWatchdogConfig } from './config';

const env = {
  KAFKA_CONNECT_URL: 'http://127.0.0.1:8083',
  POSTGRES_ADMIN_URL: 'postgres://postgres:postgres@127.0.0.1:5432/platform',
};

describe('loadWatchdogConfig', () => {
  it("needs only Connect and Postgres, and watches the platform's connector and slot by default", () => {
    expect(loadWatchdogConfig(env)).toMatchObject({
      SERVICE_NAME: 'cdc-watchdog',
      PORT: 3006,
      CONNECTOR_NAME: 'order-platform-outbox',
      SLOT_NAME: 'order_platform_outbox',
      CONNECT_DATABASE_HOST: '127.0.0.1',
      CONNECT_DATABASE_PORT: 5432,
      CDC_CHECK_INTERVAL_MS: 5000,
      CDC_STALL_THRESHOLD_MS: 30_000,
      CDC_WAL_WARNING_BYTES: 1024 ** 3,
      CDC_HEALING: 'on',
    });
  });

  it('names every bad setting', () => {
    expect(() => loadWatchdogConfig({ POSTGRES_ADMIN_URL: 'localhost', SLOT_NAME: 'Bad-Slot' })).toThrow(
      /KAFKA_CONNECT_URL: missing[\s\S]*POSTGRES_ADMIN_URL: expected postgres:\/\/[\s\S]*SLOT_NAME: expected a replication slot name/,
    );
  });

  it('refuses timings that contradict each other', () => {
    expect(() =>
      loadWatchdogConfig({ ...env, CDC_CHECK_INTERVAL_MS: '20000', OUTBOX_RETENTION_MS: '1000' }),
    ).toThrow(
      /CDC_STALL_THRESHOLD_MS: .*30000 must be at least twice CDC_CHECK_INTERVAL_MS \(20000\)[\s\S]*OUTBOX_RETENTION_MS: 1000 must be longer/,
    );
  });
});
