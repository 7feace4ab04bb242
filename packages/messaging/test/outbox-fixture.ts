import { Client } from 'pg';
import { eventually, type StackSettings, uniqueName } from '@order-platform/testing';
import {
  createKafka,
  heartbeatTopic,
  type KafkaClient,
  KafkaConnectClient,
  outboxConnectorConfig,
} from '../src';

/** The reader that observes the fixture's topic, typed against the same sources as the fixture. */
export { TopicReader } from '../src/testing';

export interface OutboxRow {
  id: string;
  aggregateType: string;
  aggregateId: string;
  type: string;
  topic: string;
  payload: Buffer;
}

/**
 * An isolated outbox pipeline on the shared stack: its own schema and outbox table (shaped
 * exactly like basket.outbox from infra/postgres/init.sql), publication, replication slot,
 * Debezium connector and topic, all under one unique name and all removed afterwards.
 */
export class OutboxFixture {
  readonly name = uniqueName('outbox');
  readonly schema = this.name;
  readonly topic = `test.${this.name}.v1`;
  readonly connect: KafkaConnectClient;
  readonly kafka: KafkaClient;
  private readonly admin: Client;

  constructor(
    readonly stack: StackSettings,
    readonly partitions = 3,
  ) {
    this.connect = new KafkaConnectClient(stack.connectUrl);
    this.kafka = createKafka({ clientId: this.name, brokers: stack.kafkaBrokers });
    this.admin = new Client({ connectionString: stack.postgresAdminUrl });
  }

  get connectorName(): string {
    return `test-${this.name}`;
  }

  async setUp(): Promise<void> {
    await this.admin.connect();
    await this.admin.query(`
      create schema ${this.schema};
      create table ${this.schema}.outbox (like basket.outbox including all);
      create table ${this.schema}.heartbeat (like cdc.heartbeat including all);
      grant usage on schema ${this.schema} to debezium;
      grant select on ${this.schema}.outbox to debezium;
      grant select, insert, delete on ${this.schema}.heartbeat to debezium;
      create publication ${this.name} for table ${this.schema}.outbox, ${this.schema}.heartbeat with (publish = 'insert');
    `);
    await this.kafka.withAdmin((admin) =>
      admin.ensureTopics([
        { topic: this.topic, partitions: this.partitions },
        { topic: heartbeatTopic(this.name), partitions: 1 },
      ]),
    );
    await this.connect.putConnector(
      this.connectorName,
      outboxConnectorConfig({
        name: this.connectorName,
        databaseHost: this.stack.connectDatabase.host,
        databasePort: this.stack.connectDatabase.port,
        databaseName: this.stack.postgres.database,
        databaseUser: 'debezium',
        databasePassword: 'debezium',
        slotName: this.name,
        publicationName: this.name,
        tables: [`${this.schema}.outbox`],
        topicPrefix: this.name,
        heartbeatIntervalMs: 1000,
        heartbeatTable: `${this.schema}.heartbeat`,
      }),
    );
    await this.connect.waitUntilRunning(this.connectorName, 90_000);
    // The slot exists once the task has started streaming; rows inserted before that would
    // be outside the no_data snapshot's starting point.
    await this.waitFor(
      async () => {
        const { rows } = await this.admin.query<{ active: boolean }>(
          'select active from pg_replication_slots where slot_name = $1',
          [this.name],
        );
        return rows[0]?.active === true;
      },
      60_000,
      'replication slot to become active',
    );
  }

  async insert(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(r.id, r.aggregateType, r.aggregateId, r.type, r.topic, r.payload);
      const o = i * 6;
      return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6})`;
    });
    await this.admin.query(
      `insert into ${this.schema}.outbox (id, aggregatetype, aggregateid, type, topic, payload) values ${tuples.join(',')}`,
      values,
    );
  }

  /** Writes WAL that the connector's publication does not carry (another table's rows). */
  async writeUnpublishedWal(rows: number): Promise<void> {
    await this.admin.query(
      `create table if not exists ${this.schema}.noise (n int, at timestamptz default now())`,
    );
    await this.admin.query(`insert into ${this.schema}.noise (n) select generate_series(1, $1::int)`, [rows]);
  }

  /** Resolves once Debezium has confirmed everything written so far back to Postgres. */
  async waitUntilSlotCaughtUp(timeoutMs = 120_000): Promise<void> {
    const { rows } = await this.admin.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    const target = rows[0]!.lsn;
    await this.waitFor(
      async () => {
        const { rows: slot } = await this.admin.query<{ caught_up: boolean }>(
          'select confirmed_flush_lsn >= $2::pg_lsn as caught_up from pg_replication_slots where slot_name = $1',
          [this.name, target],
        );
        return slot[0]?.caught_up === true;
      },
      timeoutMs,
      `slot ${this.name} to confirm ${target}`,
    );
  }

  async tearDown(): Promise<void> {
    await this.connect.deleteConnector(this.connectorName).catch(() => undefined);
    // The slot can only be dropped once the deleted connector's task has let go of it.
    await this.waitFor(
      async () => {
        const { rows } = await this.admin.query<{ active: boolean }>(
          'select active from pg_replication_slots where slot_name = $1',
          [this.name],
        );
        return rows.length === 0 || rows[0]?.active === false;
      },
      60_000,
      'slot to become inactive',
    ).catch(() => undefined);
    await this.admin
      .query(`select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1`, [
        this.name,
      ])
      .catch(() => undefined);
    await this.admin.query(
      `drop publication if exists ${this.name}; drop schema if exists ${this.schema} cascade`,
    );
    await this.admin.end();
    await this.kafka
      .withAdmin((admin) => admin.deleteTopics([this.topic, heartbeatTopic(this.name)]))
      .catch(() => undefined);
  }

  private async waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    await eventually(what, async () => ((await condition()) ? true : undefined), timeoutMs);
  }
}
