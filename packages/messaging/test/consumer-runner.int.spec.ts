import { describe, expect, it } from 'vitest';
import {
  deadLetterTopicName,
  FAILURE_HEADERS,
  pruneTransactions,
  retryTopicName,
  type ConsumerRunnerOptions,
  type FailureRecord,
  type TopicHandler,
} from '../src';
import { SHORT_RETRY, type TestEvent, useRunnerFixture } from './runner-fixture';
import { settled, TopicReader, TopicWriter } from '../src/testing';

/**
 * The consumer runner against the real stack: effectively-once through the transactions
 * table, stale discard, retry and dead-letter topics moved in Kafka transactions, batching,
 * housekeeping and a group of two instances (redrive: redrive.int.spec.ts).
 */
describe('ConsumerRunner', () => {
  const fixture = useRunnerFixture();
  const runner = (
    groupId: string,
    handlers: TopicHandler<TestEvent>[],
    extra: Partial<ConsumerRunnerOptions> = {},
  ) =>
    fixture.runner(groupId, handlers, {
      retry: SHORT_RETRY,
      ...extra,
    });

  it('commits past transaction markers: a group that has read a transactional topic settles with no lag', async () => {
    const topic = await fixture.topic('markers', 2);
    const group = fixture.group('markers');
    const writer = new TopicWriter(fixture.kafka, { transactionalId: `${group}.writer` });
    try {
      // One transaction per record: each leaves a commit marker after it, as Connect's do.
      for (const [i, key] of ['order-m1', 'order-m2', 'order-m3'].entries()) {
        await writer.send(topic, [{ key, value: await fixture.encode(topic, fixture.event(key, i + 1)) }]);
      }
    } finally {
      await writer.close();
    }
    const r = runner(group, [fixture.recorder(topic)]);
    await r.start();
    await settled(fixture.kafka, [{ groupId: group, topics: [topic] }], 30_000);
    expect(await fixture.applied(topic)).toHaveLength(3);
    expect((await r.metrics()).lag[topic]).toBe(0);
  });

  it('changes state once when the same bytes are delivered twice', async () => {
    const topic = await fixture.topic('dup');
    const group = fixture.group('dup');
    const event = fixture.event('order-1', 1);
    const bytes = await fixture.encode(topic, event);
    await fixture.send(topic, [
      { key: event.aggregateId, value: bytes },
      { key: event.aggregateId, value: bytes },
    ]);
    const r = runner(group, [fixture.recorder(topic)]);
    await r.start();
    await fixture.waitFor(async () => (await r.metrics()).duplicates === 1, 'the duplicate to be counted');
    expect((await fixture.applied(topic)).map((a) => a.event_id)).toEqual([event.eventId]);
    expect(await fixture.transactions(group)).toEqual([
      { message_id: event.eventId, outcome: 'applied', sequence: '1', topic },
    ]);
    const metrics = await r.metrics();
    expect(metrics).toMatchObject({ processed: 1, duplicates: 1, stale: 0, deadLettered: 0 });
    expect(metrics.lag[topic]).toBe(0);
  });

  it('discards the older of two events delivered in reverse order as stale, and records it', async () => {
    const topic = await fixture.topic('stale');
    const group = fixture.group('stale');
    const now = Date.now();
    const older = fixture.event('order-2', 1, 'older', now - 1000);
    const newer = fixture.event('order-2', 2, 'newer', now);
    await fixture.sendEvents(topic, [newer, older]);
    const r = runner(group, [fixture.recorder(topic)]);
    await r.start();
    await fixture.waitFor(async () => (await r.metrics()).stale === 1, 'the stale event to be counted');
    expect((await fixture.applied(topic)).map((a) => a.note)).toEqual(['newer']);
    const rows = await fixture.transactions(group);
    expect(rows.find((t) => t.message_id === older.eventId)?.outcome).toBe('stale');
    expect(rows.find((t) => t.message_id === newer.eventId)?.outcome).toBe('applied');
  });

  it('compares dispatch times when sequences are equal: the earlier-dispatched one is stale', async () => {
    const topic = await fixture.topic('stale_time', 1);
    const group = fixture.group('stale_time');
    const now = Date.now();
    const later = fixture.event('order-t', 5, 'later', now);
    const earlier = fixture.event('order-t', 5, 'earlier', now - 5000);
    await fixture.sendEvents(topic, [later, earlier]);
    const r = runner(group, [fixture.recorder(topic)]);
    await r.start();
    await fixture.waitFor(async () => (await r.metrics()).stale === 1, 'the stale event to be counted');
    expect((await fixture.applied(topic)).map((a) => a.note)).toEqual(['later']);
  });

  it('stops gracefully mid-stream: what was applied is recorded and committed, the rest comes to the next instance once', async () => {
    const topic = await fixture.topic('graceful', 2);
    const group = fixture.group('graceful');
    const events = Array.from({ length: 60 }, (_, i) =>
      fixture.event(`order-s${i % 6}`, Math.floor(i / 6) + 1),
    );
    await fixture.sendEvents(topic, events);
    const slow = fixture.recorder(topic, () => new Promise((resolve) => setTimeout(resolve, 25)));
    const first = runner(group, [slow]);
    await first.start();
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length >= 10,
      'some events to be applied',
    );
    await first.stop();
    const appliedAtStop = await fixture.applied(topic);
    expect(appliedAtStop.length).toBeLessThan(events.length);
    // Nothing half done: every applied event has its inbox row, and vice versa.
    expect((await fixture.transactions(group)).length).toBe(appliedAtStop.length);

    const second = runner(group, [fixture.recorder(topic)]);
    await second.start();
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === events.length,
      'the rest to be applied',
    );
    const applied = await fixture.applied(topic);
    expect(new Set(applied.map((a) => a.event_id)).size).toBe(events.length);
    // The first instance committed the offset of everything it applied before it left.
    expect((await second.metrics()).duplicates).toBe(0);
  });

  it('dead-letters poison bytes and an unknown schema id with their history, and goes on with the partition', async () => {
    const topic = await fixture.topic('poison', 1);
    const group = fixture.group('poison');
    const poison = Buffer.from('not avro at all');
    const unknownId = Buffer.concat([
      Buffer.from([0]),
      Buffer.from([0x7f, 0xff, 0xff, 0x00]),
      Buffer.from('xyz'),
    ]);
    const good = fixture.event('order-3', 1, 'after the poison');
    await fixture.send(topic, [
      { key: 'order-3', value: poison, headers: { trace: 'p1' } },
      { key: 'order-3', value: unknownId, headers: { trace: 'p2' } },
      { key: 'order-3', value: await fixture.encode(topic, good) },
    ]);
    const r = runner(group, [fixture.recorder(topic)]);
    await r.start();
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === 1,
      'the good event to be applied',
    );

    const dlq = new TopicReader(fixture.kafka, [deadLetterTopicName(group, topic)]);
    await dlq.start();
    try {
      await dlq.waitForCount(2, 20_000);
      await dlq.drain();
      expect(dlq.events).toHaveLength(2);
      const [first, second] = dlq.events;
      expect(first!.value!.equals(poison)).toBe(true);
      expect(second!.value!.equals(unknownId)).toBe(true);
      expect(first!.key).toBe('order-3');
      expect(first!.headers.trace).toBe('p1');
      expect(first!.headers[FAILURE_HEADERS.originalTopic]).toBe(topic);
      const history = JSON.parse(first!.headers[FAILURE_HEADERS.history]!) as FailureRecord[];
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        consumerGroup: group,
        topic,
        partition: 0,
        offset: '0',
        attempt: 0,
        tries: 1,
      });
      expect(history[0]!.error).toMatch(/PermanentError/);
      expect(history[0]!.stack).toBeTruthy();
    } finally {
      await dlq.stop();
    }
    expect(await r.metrics()).toMatchObject({ deadLettered: 2, processed: 1 });
    expect((await r.metrics()).lag[topic]).toBe(0);
  });

  it('retries a transiently failing handler through retry topics while other keys go on', async () => {
    const topic = await fixture.topic('transient');
    const group = fixture.group('transient');
    let failuresLeft = 3;
    const handledAt = new Map<string, number>();
    const slow = fixture.event('order-slow', 1, 'slow');
    const others = Array.from({ length: 10 }, (_, i) => fixture.event(`order-${i}`, 1, `other ${i}`));
    const r = runner(group, [
      fixture.recorder(topic, (ctx) => {
        if (ctx.event.aggregateId === 'order-slow' && failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('provider timed out');
        }
        handledAt.set(ctx.event.aggregateId, Date.now());
      }),
    ]);
    await fixture.sendEvents(topic, [slow, ...others]);
    await r.start();
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === 11,
      'all events to be applied',
    );
    expect(failuresLeft).toBe(0);
    // Two in-process tries, then retry topic 1 (one failure, one success at its second try).
    const applied = await fixture.applied(topic);
    expect(new Set(applied.map((a) => a.event_id)).size).toBe(11);
    for (const other of others)
      expect(handledAt.get(other.aggregateId)!).toBeLessThan(handledAt.get('order-slow')!);
    const metrics = await r.metrics();
    expect(metrics).toMatchObject({ processed: 11, deadLettered: 0 });
    expect(metrics.retried).toBeGreaterThanOrEqual(3);
    // Stopped first: the reader's end-of-topic sentinels are not events the runner should see.
    await r.stop();
    const retried = await fixture.readAll(retryTopicName(group, topic, 1));
    expect(retried.map((e) => e.key)).toEqual(['order-slow']);
    expect(retried[0]!.headers[FAILURE_HEADERS.attempt]).toBe('1');
  });

  it('handles batches in one Postgres transaction each, and prunes rows below the committed offsets', async () => {
    const topic = await fixture.topic('batched');
    const group = fixture.group('batched');
    const events = Array.from({ length: 200 }, (_, i) =>
      fixture.event(`order-b${i % 20}`, Math.floor(i / 20) + 1),
    );
    await fixture.sendEvents(topic, events);
    const r = runner(group, [fixture.recorder(topic)], { batchSize: 50 });
    await r.start();
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === 200,
      'all events to be applied',
    );
    const applied = await fixture.applied(topic);
    expect(new Set(applied.map((a) => a.event_id)).size).toBe(200);
    for (let k = 0; k < 20; k++) {
      const seqs = applied.filter((a) => a.aggregate_id === `order-b${k}`).map((a) => Number(a.sequence));
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    await fixture.waitFor(async () => (await r.metrics()).lag[topic] === 0, 'offsets to be committed');
    const before = (await fixture.transactions(group)).length;
    const deleted = await pruneTransactions({ pool: fixture.pool, kafka: fixture.kafka, olderThanMs: 0 });
    expect(before).toBe(200);
    // Every partition's last message sits right below the committed offset and goes too.
    expect(deleted).toBeGreaterThanOrEqual(200);
    expect(await fixture.transactions(group)).toEqual([]);
    // A grace period keeps young rows whatever the watermark.
    await fixture.sendEvents(topic, [fixture.event('order-b0', 11)]);
    await fixture.waitFor(async () => (await fixture.transactions(group)).length === 1, 'the new event');
    await fixture.waitFor(async () => (await r.metrics()).lag[topic] === 0, 'offsets to be committed');
    expect(await pruneTransactions({ pool: fixture.pool, kafka: fixture.kafka, olderThanMs: 60_000 })).toBe(
      0,
    );
  });

  it('handles every message exactly once, in key order, when one of two instances stops half-way', async () => {
    const topic = await fixture.topic('group', 6);
    const group = fixture.group('group');
    const keys = 30;
    const perKey = 20;
    const events: TestEvent[] = [];
    for (let s = 1; s <= perKey; s++)
      for (let k = 0; k < keys; k++) events.push(fixture.event(`order-g${k}`, s));
    const handler = fixture.recorder(topic, () => new Promise((r) => setTimeout(r, 2)));
    const a = runner(group, [handler], { batchSize: 10 });
    const b = runner(group, [handler], { batchSize: 10 });
    await Promise.all([a.start(), b.start()]);
    await fixture.sendEvents(topic, events);
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length >= events.length / 2,
      'half of the events',
    );
    await b.stop();
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === events.length,
      'all events',
      60_000,
    );
    const applied = await fixture.applied(topic);
    expect(new Set(applied.map((x) => x.event_id)).size).toBe(events.length);
    for (let k = 0; k < keys; k++) {
      const seqs = applied.filter((x) => x.aggregate_id === `order-g${k}`).map((x) => Number(x.sequence));
      expect(seqs).toEqual(Array.from({ length: perKey }, (_, i) => i + 1));
    }
    const rows = await fixture.transactions(group);
    expect(rows.filter((t) => t.outcome === 'applied')).toHaveLength(events.length);
  });
});
