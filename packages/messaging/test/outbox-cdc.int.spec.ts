import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackControls, useStack } from '@order-platform/testing';
import { OutboxFixture, type OutboxRow } from './outbox-fixture';
import { TopicReader } from '../src/testing';

/**
 * The walking skeleton: a row committed into an outbox table reaches its Kafka topic
 * exactly once through Debezium's outbox event router, as Avro in the Confluent wire
 * format that decodes through the registry to the object the service encoded.
 */
describe('outbox → Debezium → Kafka', () => {
  const stack = useStack();
  const fixture = new OutboxFixture(stack);
  const registry = new SchemaRegistry({ host: stack.schemaRegistryUrl });
  let schemaId: number;

  const schema = {
    type: 'record',
    name: 'SkeletonEvent',
    namespace: `test.${fixture.name}`,
    fields: [
      { name: 'eventId', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'aggregateId', type: 'string' },
      { name: 'sequence', type: 'long' },
      { name: 'amountMinor', type: 'long' },
      { name: 'note', type: 'string' },
    ],
  };

  async function event(aggregateId: string, sequence: number): Promise<{ row: OutboxRow; value: object }> {
    const id = randomUUID();
    const value = {
      eventId: id,
      aggregateId,
      sequence,
      amountMinor: 1999 + sequence,
      note: `event ${sequence} of ${aggregateId}`,
    };
    const payload = await registry.encode(schemaId, value);
    return {
      row: { id, aggregateType: 'order', aggregateId, type: 'SkeletonEvent', topic: fixture.topic, payload },
      value,
    };
  }

  beforeAll(async () => {
    await fixture.setUp();
    ({ id: schemaId } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
      { subject: `${fixture.topic}-value` },
    ));
  });

  afterAll(async () => {
    await fixture.tearDown();
  });

  it('carries one committed row to its topic once: key, headers and Avro value', async () => {
    const reader = new TopicReader(fixture.kafka, [fixture.topic]);
    await reader.start();
    try {
      const { row, value } = await event(randomUUID(), 1);
      await fixture.insert([row]);
      await reader.waitForCount(1, 60_000);
      await fixture.waitUntilSlotCaughtUp();
      await reader.drain();

      const mine = reader.events.filter((r) => r.headers.id === row.id);
      expect(mine).toHaveLength(1);
      const [record] = mine;
      expect(record!.key).toBe(row.aggregateId);
      expect(record!.headers).toMatchObject({ id: row.id, eventType: 'SkeletonEvent' });
      // Confluent wire format: magic byte 0, then the registry's schema id, then Avro.
      expect(record!.value!.readUInt8(0)).toBe(0);
      expect(record!.value!.readInt32BE(1)).toBe(schemaId);
      expect(record!.value!.equals(row.payload)).toBe(true);
      expect(await registry.decode(record!.value!)).toEqual(value);
    } finally {
      await reader.stop();
    }
  });

  it('keeps the replication slot moving while the outbox is idle and other tables write WAL', async () => {
    await fixture.writeUnpublishedWal(2000);
    // Heartbeats (1 s here) write a row Debezium receives and confirms; without them the
    // slot would stay at the last outbox row and pin all WAL written since.
    await fixture.waitUntilSlotCaughtUp(30_000);
  });

  it('loses and duplicates nothing when Kafka Connect is SIGKILLed mid-stream of 1,000 rows', async (ctx) => {
    const controls = stackControls(stack);
    if (!controls) {
      ctx.skip('the stack came from the environment: this run cannot kill Kafka Connect');
      return;
    }
    const reader = new TopicReader(fixture.kafka, [fixture.topic]);
    await reader.start();
    try {
      await reader.drain();
      const before = reader.events.length;
      const aggregates = Array.from({ length: 25 }, () => randomUUID());
      const sent: OutboxRow[] = [];
      const total = 1000;
      const batch = 25;
      let killed = false;
      for (let i = 0; i < total; i += batch) {
        const rows = await Promise.all(
          Array.from({ length: batch }, (_, j) => event(aggregates[(i + j) % aggregates.length]!, i + j)),
        );
        await fixture.insert(rows.map((r) => r.row));
        sent.push(...rows.map((r) => r.row));
        // Kill Connect once part of the stream is through and the rest is still coming.
        if (!killed && reader.events.length - before >= 200) {
          await controls.kill('connect');
          killed = true;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      if (!killed) {
        await reader.waitForCount(before + 200, 60_000);
        await controls.kill('connect');
        killed = true;
      }
      await controls.start('connect');
      await fixture.connect.waitUntilRunning(fixture.connectorName, 120_000);
      await reader.waitForCount(before + total, 180_000);
      await fixture.waitUntilSlotCaughtUp(180_000);
      await reader.drain();

      const received = reader.events.slice(before);
      const ids = received.map((r) => r.headers.id);
      const expectedIds = new Set(sent.map((r) => r.id));
      expect(new Set(ids).size).toBe(total);
      expect(ids.filter((id) => !expectedIds.has(id!))).toEqual([]);
      expect(received).toHaveLength(total);

      // Per aggregate, the events arrive in the order they were committed.
      const sequenceOf = new Map(sent.map((r, index) => [r.id, index]));
      for (const aggregateId of aggregates) {
        const seen = received.filter((r) => r.key === aggregateId).map((r) => sequenceOf.get(r.headers.id!)!);
        expect(seen).toEqual([...seen].sort((a, b) => a - b));
      }
    } finally {
      await reader.stop();
    }
  });
});
