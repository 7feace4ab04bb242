import { describe, expect, it } from 'vitest';
import { processEnv, processNames, processes } from './processes';
import { stackPorts } from './stack-ports';

describe('the topology', () => {
  it('gives a service exactly what scripts/services.sh gave it, with HOST on loopback', () => {
    expect(processEnv('order', {})).toEqual({
      SERVICE_NAME: 'order',
      PORT: '3001',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      DATABASE_URL: 'postgres://orders:orders@127.0.0.1:5432/platform',
      KAFKA_BROKERS: '127.0.0.1:9092',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8080/apis/ccompat/v7',
    });
  });

  it('honours the port overrides in every URL it builds', () => {
    const env = { PG_PORT: '15432', SMTP_PORT: '11025', VIEWS_PORT: '13005', PAYMENT_PROVIDER_PORT: '13099' };
    expect(processEnv('email', env)).toMatchObject({
      DATABASE_URL: 'postgres://email:email@127.0.0.1:15432/platform',
      SMTP_PORT: '11025',
      ORDER_PAGE_URL: 'http://127.0.0.1:13005/orders/{orderId}/timeline',
    });
    expect(processEnv('payment', env).PAYMENT_PROVIDER_URL).toBe('http://127.0.0.1:13099');
    expect(processEnv('payment-provider', env)).toEqual({
      SERVICE_NAME: 'payment-provider',
      PORT: '13099',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SLOW_DELAY_MS: '3000',
      ALLOW_RESET: 'true',
    });
  });

  it('starts every process after its dependencies', () => {
    for (const name of processNames) {
      for (const dependency of processes[name].dependencies) {
        expect(processNames.indexOf(dependency)).toBeLessThan(processNames.indexOf(name));
      }
    }
    expect(processNames[0]).toBe('payment-provider');
  });

  it('names the variable of a bad port', () => {
    expect(() => stackPorts({ KAFKA_PORT: '90x' })).toThrow('KAFKA_PORT must be a TCP port');
    expect(() => stackPorts({ PG_PORT: '70000' })).toThrow('PG_PORT');
  });
});
