import { TOPICS } from '@order-platform/contracts';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import {
  heartbeatTopic,
  type KafkaClient,
  KafkaConnectClient,
  outboxConnectorConfig,
} from '@order-platform/messaging';
import { TopicReader } from '@order-platform/messaging/testing';
import { percentile } from '../stats';

export interface CdcCeiling {
  rows: number;
  /** Rows per second the insert loop committed, first commit to last. */
  offeredPerSecond: number;
  /** Rows per second Debezium delivered, first row's commit to the last record's append. */
  sustainedPerSecond: number;
  /** Row commit → record appended to the topic. */
  lagMs: { p50: number; p95: number; p99: number; max: number };
}

export interface CdcCeilingOptions {
  /** Superuser URL of the platform database (creates and drops the bench's schema, publication, slot). */
  adminUrl: string;
  connectUrl: string;
  kafka: KafkaClient;
  /** Where Debezium, inside Kafka Connect, reaches Postgres. */
  databaseHostForConnect: string;
  databasePortForConnect: number;
  ratePerSecond: number;
  seconds: number;
  /** Bytes of each row's payload (default 300, about an order event in Avro). */
  payloadBytes?: number;
  /** Partitions of the bench topic (default 6, the topic catalogue's DEFAULT_PARTITIONS). */
  partitions?: number;
}

/** A live topic's shape, from the catalogue: its LogAppendTime is what lag is measured by. */
const LIVE_TOPIC = TOPICS[0]!;

/**
 * Debezium's lag for a bare insert loop into an outbox: its own schema, outbox table,
 * publication, slot, topic and connector (outboxConnectorConfig, the live connector's
 * settings), rows inserted one per transaction at `ratePerSecond` for `seconds`; lag = row
 * commit time (pg_xact_commit_timestamp(xmin)) → the record's broker append time (the
 * bench topic is created with message.timestamp.type=LogAppendTime, so the record
 * timestamp is when the broker appended it). Everything it creates is removed at the end
 * (connector, slot, publication, schema, topics, the reader's consumer group).
 *
 * Set up as the messaging package's OutboxFixture does it: tables shaped like basket.outbox
 * and cdc.heartbeat, read by the existing `debezium` role.
 */
export async function cdcCeiling(options: CdcCeilingOptions): Promise<CdcCeiling> {
  const { kafka, ratePerSecond, seconds } = options;
  const total = Math.max(1, Math.round(ratePerSecond * seconds));
  const payload = randomBytes(options.payloadBytes ?? 300);
  const name = `cdc_ceiling_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const schema = name;
  const topic = `bench.${name}.v1`;
  const connectorName = `bench-${name}`;
  const connect = new KafkaConnectClient(options.connectUrl);
  const admin = new Client({ connectionString: options.adminUrl });
  const writer = new Client({ connectionString: options.adminUrl });
  let reader: TopicReader | undefined;
  await admin.connect();
  try {
    await admin.query(`
      create schema ${schema};
      create table ${schema}.outbox (like basket.outbox including all);
      create table ${schema}.heartbeat (like cdc.heartbeat including all);
      grant usage on schema ${schema} to debezium;
      grant select on ${schema}.outbox to debezium;
      grant select, insert, delete on ${schema}.heartbeat to debezium;
      create publication ${name} for table ${schema}.outbox, ${schema}.heartbeat with (publish = 'insert');
    `);
    await kafka.withAdmin((a) =>
      a.ensureTopics([
        { topic, partitions: options.partitions ?? LIVE_TOPIC.partitions, config: LIVE_TOPIC.config },
        { topic: heartbeatTopic(name), partitions: 1 },
      ]),
    );
    await connect.putConnector(
      connectorName,
      outboxConnectorConfig({
        name: connectorName,
        databaseHost: options.databaseHostForConnect,
        databasePort: options.databasePortForConnect,
        databaseName: new URL(options.adminUrl).pathname.slice(1),
        databaseUser: 'debezium',
        databasePassword: 'debezium',
        slotName: name,
        publicationName: name,
        tables: [`${schema}.outbox`],
        topicPrefix: name,
        heartbeatTable: `${schema}.heartbeat`,
      }),
    );
    await connect.waitUntilRunning(connectorName, 90_000);
    // Rows inserted before the task streams from its slot would be outside its starting point.
    await waitFor(
      async () => (await slotActive(admin, name)) === true,
      60_000,
      `replication slot ${name} to become active`,
    );

    const ids = new Set<string>();
    reader = await new TopicReader(kafka, [topic], {
      keep: (record) => ids.has(record.headers.id ?? ''),
    }).start();
    await writer.connect();

    // Open loop: row i is due at start + i / rate; a late loop catches up without sleeping.
    const start = performance.now();
    for (let i = 0; i < total; i++) {
      const due = start + (i * 1000) / ratePerSecond;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const id = randomUUID();
      ids.add(id);
      await writer.query(
        `insert into ${schema}.outbox (id, aggregatetype, aggregateid, type, topic, payload) values ($1, 'order', $2, 'CdcCeiling', $3, $4)`,
        [id, randomUUID(), topic, payload],
      );
    }
    await reader.waitForCount(total, 60_000 + seconds * 1000);

    const { rows } = await admin.query<{ id: string; committed_ms: number }>(
      `select id::text, extract(epoch from pg_xact_commit_timestamp(xmin)) * 1000 as committed_ms from ${schema}.outbox`,
    );
    const committed = new Map(rows.map((r) => [r.id, Number(r.committed_ms)]));
    const lags: number[] = [];
    let appendedLast = -Infinity;
    for (const record of reader.records) {
      const at = committed.get(record.headers.id ?? '');
      if (at === undefined || !Number.isFinite(at)) {
        throw new Error(`no commit time for row ${record.headers.id} (is track_commit_timestamp on?)`);
      }
      lags.push(record.timestamp - at);
      appendedLast = Math.max(appendedLast, record.timestamp);
    }
    let firstCommit = Infinity;
    let lastCommit = -Infinity;
    for (const at of committed.values()) {
      firstCommit = Math.min(firstCommit, at);
      lastCommit = Math.max(lastCommit, at);
    }
    lags.sort((a, b) => a - b);
    return {
      rows: total,
      offeredPerSecond: total > 1 ? ((total - 1) / (lastCommit - firstCommit)) * 1000 : 0,
      sustainedPerSecond: total > 1 ? ((total - 1) / (appendedLast - firstCommit)) * 1000 : 0,
      lagMs: {
        p50: percentile(lags, 50),
        p95: percentile(lags, 95),
        p99: percentile(lags, 99),
        max: lags[lags.length - 1]!,
      },
    };
  } finally {
    await reader?.stop().catch(() => undefined);
    await writer.end().catch(() => undefined);
    await connect.deleteConnector(connectorName).catch(() => undefined);
    // The slot can only be dropped once the deleted connector's task has let go of it.
    await waitFor(
      async () => (await slotActive(admin, name)) !== true,
      60_000,
      `replication slot ${name} to become inactive`,
    ).catch(() => undefined);
    await admin
      .query('select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1', [
        name,
      ])
      .catch(() => undefined);
    await admin
      .query(`drop publication if exists ${name}; drop schema if exists ${schema} cascade`)
      .catch(() => undefined);
    await admin.end();
    await kafka
      .withAdmin(async (a) => {
        if (reader) await a.deleteGroup(reader.groupId).catch(() => undefined);
        await a.deleteTopics([topic, heartbeatTopic(name)]);
      })
      .catch(() => undefined);
  }
}

/** Whether the slot is active; undefined when there is no such slot. */
async function slotActive(admin: Client, slot: string): Promise<boolean | undefined> {
  const { rows } = await admin.query<{ active: boolean }>(
    'select active from pg_replication_slots where slot_name = $1',
    [slot],
  );
  return rows[0]?.active;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
