import { afterEach, describe, expect, it } from 'vitest';
import { useStack } from './context';
import { serviceEnv } from './service-env';
import { freePort, type ServiceProcess, startService, waitForHttp } from './service-process';
import type { StackSettings } from './stack';

export interface ServiceUnderTest {
  /** Folder under services/. */
  service: string;
  /** Its Postgres role and schema. */
  role: string;
  /** Settings only this service has. */
  extraEnv?: (stack: StackSettings) => Record<string, string>;
}

/**
 * The contract every service skeleton keeps, run against the real stack: validated
 * configuration, JSON logs, live and ready probes that mean what they say, clean SIGTERM.
 */
export function describeServiceContract({ service, role, extraEnv }: ServiceUnderTest): void {
  describe(`${service} service process`, () => {
    const stack = useStack();
    let running: ServiceProcess | undefined;

    const env = (overrides: Record<string, string | undefined> = {}) =>
      serviceEnv(stack, service, { ...extraEnv?.(stack), ...overrides }, role);

    afterEach(async () => {
      await running?.stop('SIGKILL');
      running = undefined;
    });

    it('is live and ready on its own schema and Kafka, logs JSON, and exits 0 on SIGTERM', async () => {
      running = startService(service, await env());
      await waitForHttp(running, '/health/live');
      const ready = await waitForHttp(running, '/health/ready');
      const body = (await ready.json()) as {
        status: string;
        checks: { database: { schema: string }; kafka: { brokers: number }; messaging: { status: string } };
      };
      expect(body.status).toBe('ok');
      expect(body.checks.database.schema).toBe(role);
      expect(body.checks.kafka.brokers).toBeGreaterThanOrEqual(1);
      // Ready means the messaging migrations ran in the service's own schema.
      expect(body.checks.messaging.status).toBe('running');
      const metrics = await fetch(`${running.url}/health/metrics`);
      expect(metrics.status).toBe(200);

      const lines = running.output().trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
      expect(lines.map((l) => JSON.parse(l) as { service?: string }).some((l) => l.service === service)).toBe(
        true,
      );

      const started = Date.now();
      expect(await running.stop('SIGTERM')).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(running.output()).toContain('received SIGTERM, shutting down');
    });

    it('answers ready 503 while its database does not answer, yet stays live', async () => {
      const closedPort = await freePort();
      running = startService(
        service,
        await env({ DATABASE_URL: `postgres://${role}:${role}@127.0.0.1:${closedPort}/platform` }),
      );
      await waitForHttp(running, '/health/live');
      const notReady = await waitForHttp(running, '/health/ready', 503);
      const body = (await notReady.json()) as {
        checks: { database: { status: string }; kafka: { status: string } };
      };
      expect(body.checks.database.status).toBe('down');
      expect(body.checks.kafka.status).toBe('up');
    });

    it('refuses to start with a missing or malformed setting, naming it', async () => {
      running = startService(service, await env({ DATABASE_URL: undefined, KAFKA_BROKERS: 'no-port-here' }));
      expect(await running.exited).toBe(1);
      expect(running.output()).toMatch(/DATABASE_URL: missing/);
      expect(running.output()).toMatch(/KAFKA_BROKERS: expected host:port/);
    });
  });
}
