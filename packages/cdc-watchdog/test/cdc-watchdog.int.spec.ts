import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { eventually } from '@order-platform/testing';
import { OutboxFixture, type OutboxRow, TopicReader } from '@order-platform/messaging/test/outbox-fixture';
import {
  freePort,
  repoRoot,
  type ServiceProcess,
  startProcess,
  useStack,
  waitForHttp,
} from '@order-platform/testing';
import { Client } from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { holdSlot } from './slot-holder';

// Above Debezium's slot.retry.delay.ms (10 s), as the default 30 s is: a heal must have time to show.
const THRESHOLD_MS = 12_000;

/** The built watchdog (dist/main.js) as its own process, checking every 500 ms. */
async function startWatchdog(env: Record<string, string>): Promise<ServiceProcess> {
  return startProcess(join(repoRoot(), 'packages/cdc-watchdog/dist/main.js'), {
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    CDC_CHECK_INTERVAL_MS: '500',
    ...env,
  });
}

async function readiness(service: ServiceProcess) {
  const response = await fetch(`${service.url}/health/ready`);
  return {
    code: response.status,
    body: (await response.json()) as { status: string; reasons: string[]; checkedAt?: string },
  };
}

async function metric(service: ServiceProcess, name: string, label = ''): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return Number(line?.split(' ').at(-1) ?? 'NaN');
}

/**
 * The watchdog process (dist/main.js) against the shared stack, watching a connector,
 * slot, publication and outbox of the test's own (OutboxFixture): never the platform's.
 */
describe('cdc-watchdog heals its connector', () => {
  const stack = useStack();
  const fixture = new OutboxFixture(stack, 1);
  const admin = new Client({ connectionString: stack.postgresAdminUrl });
  let watchdog: ServiceProcess;
  let reader: TopicReader;

  const rows = (n: number): OutboxRow[] =>
    Array.from({ length: n }, () => ({
      id: randomUUID(),
      aggregateType: 'order',
      aggregateId: randomUUID(),
      type: 'WatchdogProbe',
      topic: fixture.topic,
      // BinaryDataConverter passes the bytes through; what they encode does not matter here.
      payload: Buffer.from(randomUUID()),
    }));

  const ready = () => readiness(watchdog);
  const heals = (action: string) => metric(watchdog, 'cdc_heals_total', `action="${action}"`);

  const slot = async () =>
    (
      await admin.query<{ active: boolean; active_pid: number | null }>(
        'select active, active_pid from pg_replication_slots where slot_name = $1',
        [fixture.name],
      )
    ).rows[0];

  const outboxCount = async (ids: string[]) =>
    (
      await admin.query<{ n: number }>(
        `select count(*)::int as n from ${fixture.schema}.outbox where id = any($1)`,
        [ids],
      )
    ).rows[0]!.n;

  /** Each id on the topic exactly once, once the slot has confirmed everything. */
  const expectDeliveredOnce = async (ids: string[]) => {
    await fixture.waitUntilSlotCaughtUp(60_000);
    await reader.drain();
    const seen = reader.events.map((r) => r.headers.id).filter((id) => id !== undefined && ids.includes(id));
    expect(seen.sort()).toEqual([...ids].sort());
  };

  beforeAll(async () => {
    await fixture.setUp();
    await admin.connect();
    // housekeeping.prune_outbox prunes the schema named after, and owned by, the caller.
    await admin.query(`
      create role ${fixture.schema};
      alter schema ${fixture.schema} owner to ${fixture.schema};
      grant execute on function housekeeping.prune_outbox(interval) to ${fixture.schema};
    `);
    reader = new TopicReader(fixture.kafka, [fixture.topic]);
    await reader.start();
    watchdog = await startWatchdog({
      KAFKA_CONNECT_URL: stack.connectUrl,
      POSTGRES_ADMIN_URL: stack.postgresAdminUrl,
      CONNECT_DATABASE_HOST: stack.connectDatabase.host,
      CONNECT_DATABASE_PORT: String(stack.connectDatabase.port),
      CONNECTOR_NAME: fixture.connectorName,
      SLOT_NAME: fixture.name,
      CDC_STALL_THRESHOLD_MS: String(THRESHOLD_MS),
      OUTBOX_RETENTION_MS: String(THRESHOLD_MS + 1000),
      HOUSEKEEPING_INTERVAL_MS: '1000',
    });
    await waitForHttp(watchdog, '/health/ready', 200, 30_000);
  });

  beforeEach(() => {
    onTestFailed(() => {
      process.stderr.write(`cdc-watchdog output:\n${watchdog.output()}\n`);
    });
  });

  afterAll(async () => {
    await watchdog?.stop();
    await reader?.stop();
    try {
      await fixture.tearDown();
    } finally {
      // The role's grant on prune_outbox goes with DROP OWNED; its schema is gone already.
      await admin.query(`drop owned by ${fixture.schema}; drop role ${fixture.schema}`);
      await admin.end();
    }
  });

  it('ends a zombie walsender holding the slot, and the waiting rows reach Kafka once', async () => {
    // The zombie: the connector is stopped, a walsender that reads nothing takes the slot,
    // and the task comes back to find it held.
    await fixture.connect.stopConnector(fixture.connectorName);
    await eventually('the slot to be let go', async () =>
      (await slot())?.active === false ? true : undefined,
    );
    const zombie = await holdSlot(stack.postgresAdminUrl, fixture.name, fixture.name);
    try {
      await eventually('the zombie to hold the slot', async () =>
        (await slot())?.active_pid === zombie.pid ? true : undefined,
      );
      await fixture.connect.resumeConnector(fixture.connectorName);
      const waiting = rows(5);
      const ids = waiting.map((r) => r.id);
      await fixture.insert(waiting);
      const insertedAt = Date.now();

      // The resumed task RUNNING, the slot held: only the frozen slot and the rows tell.
      await eventually('readiness to report the stall', async () => {
        const r = await ready();
        const reasons = r.body.reasons.join('; ');
        return r.code === 503 && r.body.status === 'stalled' && !reasons.includes('STOPPED')
          ? reasons
          : undefined;
      });
      // Waiting rows are the evidence of the stall: housekeeping leaves them alone.
      expect(await outboxCount(ids)).toBe(ids.length);

      await zombie.ended;
      await reader.waitForCount(ids.length, 60_000);
      expect(Date.now() - insertedAt).toBeLessThan(60_000);
      expect(await heals('terminate-walsender')).toBeGreaterThanOrEqual(1);
      // The restart after ending the zombie is a fresh one: the tasks under a new incarnation tag.
      const config = await fixture.connect.connectorConfig(fixture.connectorName);
      expect(config?.['custom.metric.tags']).toMatch(/^incarnation=/);
      await expectDeliveredOnce(ids);
      await eventually('readiness to be ok again', async () =>
        (await ready()).code === 200 ? true : undefined,
      );

      // Once captured and past the retention, housekeeping prunes them.
      await eventually('captured rows to be pruned', async () =>
        (await outboxCount(ids)) === 0 ? true : undefined,
      );
    } finally {
      await zombie.release();
    }
  });

  it('re-creates a deleted connector from its last configuration, and nothing is lost', async () => {
    await fixture.connect.deleteConnector(fixture.connectorName);
    const waiting = rows(3);
    await fixture.insert(waiting);
    await eventually('the connector to be re-created', async () =>
      (await heals('recreate-connector')) === 1 ? true : undefined,
    );
    await fixture.connect.waitUntilRunning(fixture.connectorName, 60_000);
    await eventually('the rows to reach the topic', () =>
      waiting.every((r) => reader.events.some((e) => e.headers.id === r.id)) ? true : undefined,
    );
    await expectDeliveredOnce(waiting.map((r) => r.id));
  });

  it('fails readiness as degraded when the slot retains more WAL than the warning', async () => {
    const strict = await startWatchdog({
      KAFKA_CONNECT_URL: stack.connectUrl,
      POSTGRES_ADMIN_URL: stack.postgresAdminUrl,
      CONNECTOR_NAME: fixture.connectorName,
      SLOT_NAME: fixture.name,
      CDC_WAL_WARNING_BYTES: '1',
      CDC_HEALING: 'off',
    });
    try {
      await waitForHttp(strict, '/health/live');
      const body = await eventually('readiness to report the WAL warning', async () => {
        const r = await readiness(strict);
        return r.code === 503 && r.body.status === 'degraded' ? r.body : undefined;
      });
      expect(body.reasons.join('; ')).toMatch(/retains \d+ bytes of WAL, over the warning at 1\b/);
      expect(await metric(strict, 'cdc_slot_wal_warning')).toBe(1);
      expect(await metric(strict, 'cdc_slot_retained_wal_bytes')).toBeGreaterThan(0);
    } finally {
      await strict.stop();
    }
  });
});

describe('cdc-watchdog without its dependencies', () => {
  it('stays up and says it cannot tell while Postgres and Connect do not answer', async () => {
    const closed = await freePort();
    const blind = await startWatchdog({
      KAFKA_CONNECT_URL: `http://127.0.0.1:${closed}`,
      POSTGRES_ADMIN_URL: `postgres://postgres:postgres@127.0.0.1:${closed}/platform`,
    });
    try {
      await waitForHttp(blind, '/health/live');
      const body = await eventually('readiness to say what does not answer', async () => {
        const r = await readiness(blind);
        return r.code === 503 && r.body.reasons.some((reason) => reason.includes('Postgres'))
          ? r.body
          : undefined;
      });
      expect(body.status).toBe('unknown');
      expect(body.reasons.join('; ')).toMatch(/Kafka Connect does not answer.*Postgres does not answer/);
      // Checks go on failing (each one stamped anew), and the process goes on serving.
      const first = (await readiness(blind)).body.checkedAt;
      await eventually('a later failed check', async () => {
        const { code, body: later } = await readiness(blind);
        return code === 503 && later.status === 'unknown' && later.checkedAt !== first ? true : undefined;
      });
      expect((await fetch(`${blind.url}/health/live`)).status).toBe(200);
      expect(blind.child.exitCode).toBeNull();
    } finally {
      await blind.stop();
    }
  });
});
