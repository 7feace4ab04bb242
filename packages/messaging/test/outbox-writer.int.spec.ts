import { createServer } from 'node:net';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import {
  DependencyUnavailableError,
  migrateMessaging,
  OutboxWriter,
  pruneOutbox,
  type OutboxEvent,
} from '../src';
import { type RunnerFixture, TEST_EVENT_SCHEMA, useRunnerFixture } from './runner-fixture';

/** The outbox writer and the migrations, against a throwaway service schema and role. */
describe('OutboxWriter and migrateMessaging', () => {
  const fixture = useRunnerFixture();

  it('creates the tables in the role own schema once, and finds nothing to do the second time', async () => {
    expect(await migrateMessaging({ databaseUrl: fixture.databaseUrl })).toEqual([]);
    const { rows } = await fixture.admin.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = $1 order by table_name`,
      [fixture.name],
    );
    expect(rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining([
        'message_aggregate_positions',
        'message_transactions',
        'messaging_migrations',
        'outbox',
      ]),
    );
  });

  it('writes wire-format Avro rows inside the caller transaction, and nothing when it rolls back', async () => {
    const topic = await fixture.topic('outbox');
    const writer = new OutboxWriter(fixture.registry);
    const event = fixture.event('order-o', 1, 'to the outbox');
    const entry = entryOf(topic, event);
    const tx = await fixture.pool.connect();
    try {
      await tx.query('begin');
      await writer.append(tx, [entry]);
      await tx.query('commit');
      await tx.query('begin');
      await writer.append(tx, [{ ...entry, eventId: fixture.event('order-o', 2).eventId }]);
      await tx.query('rollback');
    } finally {
      tx.release();
    }
    const { rows } = await fixture.pool.query<{
      id: string;
      aggregateid: string;
      type: string;
      topic: string;
      payload: Buffer;
    }>('select id, aggregateid, type, topic, payload from outbox');
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row).toMatchObject({ id: event.eventId, aggregateid: 'order-o', type: 'RunnerTestEvent', topic });
    expect(row!.payload.readUInt8(0)).toBe(0);
    const decoded = (await fixture.registry.decode(row!.payload)) as Record<string, unknown>;
    expect({ ...decoded, occurredAt: Number(decoded.occurredAt) }).toEqual(event);
  });

  it('refuses a schema that was never registered under the subject, writing nothing', async () => {
    const writer = new OutboxWriter(fixture.registry);
    const tx = await fixture.pool.connect();
    try {
      await tx.query('begin');
      const unregistered = JSON.stringify({
        type: 'record',
        name: 'Nope',
        fields: [{ name: 'x', type: 'string' }],
      });
      await expect(
        writer.append(tx, [
          {
            topic: 'test.none.v1',
            subject: `${fixture.name}-missing-value`,
            schema: unregistered,
            key: 'k',
            eventType: 'Nope',
            eventId: fixture.event('k', 1).eventId,
            aggregateType: 'order',
            value: { x: 'y' },
          },
        ]),
      ).rejects.toSatisfy(
        (error) => error instanceof Error && !(error instanceof DependencyUnavailableError),
      );
      await tx.query('rollback');
    } finally {
      tx.release();
    }
  });

  it('reports an unreachable registry as an outage of the registry, writing nothing', async () => {
    const port = await closedPort();
    const writer = new OutboxWriter(new SchemaRegistry({ host: `http://127.0.0.1:${port}` }));
    const topic = await fixture.topic('no-registry');
    const event = fixture.event('order-r', 1);
    const tx = await fixture.pool.connect();
    try {
      await tx.query('begin');
      const failure = writer.append(tx, [entryOf(topic, event)]);
      await expect(failure).rejects.toBeInstanceOf(DependencyUnavailableError);
      await expect(failure).rejects.toMatchObject({ dependency: 'schema registry' });
      await tx.query('rollback');
    } finally {
      tx.release();
    }
    const { rows } = await fixture.pool.query('select 1 from outbox where topic = $1', [topic]);
    expect(rows).toHaveLength(0);
  });

  it('keeps the outbox insert-only for the service, and prunes old rows through housekeeping', async () => {
    const topic = await fixture.topic('prune');
    const writer = new OutboxWriter(fixture.registry);
    const client = await fixture.pool.connect();
    try {
      await client.query('begin');
      const entry = (sequence: number) => {
        const event = fixture.event('order-p', sequence);
        return entryOf(topic, event);
      };
      await writer.append(client, [entry(1), entry(2)]);
      await client.query('commit');
      await expect(client.query('delete from outbox')).rejects.toThrow(/permission denied/);
      await expect(client.query('update outbox set topic = topic')).rejects.toThrow(/permission denied/);
    } finally {
      client.release();
    }
    await fixture.admin.query(
      `update ${fixture.name}.outbox set created_at = now() - interval '2 days' where topic = $1
         and id = (select id from ${fixture.name}.outbox where topic = $1 order by created_at limit 1)`,
      [topic],
    );
    expect(await pruneOutbox({ pool: fixture.pool, olderThanMs: 24 * 3600 * 1000 })).toBe(1);
    const { rows } = await fixture.admin.query(`select 1 from ${fixture.name}.outbox where topic = $1`, [
      topic,
    ]);
    expect(rows).toHaveLength(1);
  });
});

/** A local port nothing listens on: one the OS handed out and that was closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** The outbox entry of a runner test event on `topic`. */
function entryOf(topic: string, event: ReturnType<RunnerFixture['event']>): OutboxEvent {
  return {
    topic,
    subject: `${topic}-value`,
    schema: TEST_EVENT_SCHEMA,
    key: event.aggregateId,
    eventType: 'RunnerTestEvent',
    eventId: event.eventId,
    aggregateType: 'order',
    value: event,
  };
}
