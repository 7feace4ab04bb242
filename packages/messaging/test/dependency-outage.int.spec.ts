import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@order-platform/postgres';
import { TcpProxy, useStack } from '@order-platform/testing';
import type { Pool } from 'pg';
import {
  ConsumerRunner,
  createSchemaRegistry,
  deadLetterTopicName,
  FAILURE_HEADERS,
  retryTopicName,
  type FailureRecord,
  type RunnerStatus,
  type SchemaRegistry,
} from '../src';
import { RunnerFixture, SHORT_RETRY, type TestEvent } from './runner-fixture';

/**
 * Outage ≠ poison, on the real stack. The shared Postgres and registry cannot be stopped,
 * so each runner reaches its dependency through a TCP proxy the test cuts and restores.
 * Retries are SHORT_RETRY: a runner that counted the outage as failures would dead-letter
 * within about a second.
 */
describe('ConsumerRunner during a dependency outage', () => {
  const stack = useStack();
  const fixture = new RunnerFixture(stack);
  const cleanups: (() => Promise<void>)[] = [];
  const LADDER_MS = 3_000;

  beforeAll(async () => {
    await fixture.setUp();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    await fixture.tearDown();
  });

  async function proxy(url: string): Promise<TcpProxy> {
    const { hostname, port } = new URL(url);
    const p = await TcpProxy.start({ host: hostname, port: Number(port) });
    cleanups.push(() => p.close());
    return p;
  }

  function runner(groupId: string, topic: string, pool: Pool, registry: SchemaRegistry): ConsumerRunner {
    const r = new ConsumerRunner({
      kafka: fixture.kafka,
      pool,
      registry,
      groupId,
      handlers: [fixture.recorder(topic)],
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      maxWaitTimeMs: 200,
      retry: SHORT_RETRY,
    });
    cleanups.push(() => r.stop());
    return r;
  }

  /** Records every status the runner reports, polled, so the test can tell it waited and then ran. */
  function watch(r: ConsumerRunner): RunnerStatus[] {
    const seen: RunnerStatus[] = [];
    const timer = setInterval(() => {
      const s = r.status;
      if (seen.at(-1)?.status !== s.status) seen.push(s);
    }, 20);
    cleanups.push(() => {
      clearInterval(timer);
      return Promise.resolve();
    });
    return seen;
  }

  async function waitingFor(r: ConsumerRunner, dependency: string): Promise<void> {
    await fixture.waitFor(() => {
      const s = r.status;
      // Held past the whole retry ladder: without the outage rule it would be dead-lettered by now.
      return Promise.resolve(
        s.status === 'waiting' && s.dependency === dependency && Date.now() - s.since > LADDER_MS,
      );
    }, `the runner to wait for ${dependency} longer than its retry ladder`);
  }

  async function recordsIn(topics: string[]): Promise<number> {
    const admin = fixture.kafkajs.admin();
    await admin.connect();
    try {
      let total = 0;
      for (const topic of topics) {
        const offsets = await admin.fetchTopicOffsets(topic);
        for (const o of offsets) total += Number(o.high) - Number(o.low);
      }
      return total;
    } finally {
      await admin.disconnect();
    }
  }

  function failureTopics(group: string, topic: string): string[] {
    return [
      retryTopicName(group, topic, 1),
      retryTopicName(group, topic, 2),
      deadLetterTopicName(group, topic),
    ];
  }

  async function expectAppliedOnce(topic: string, events: TestEvent[]): Promise<void> {
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length >= events.length,
      `${events.length} events to be applied`,
      60_000,
    );
    const applied = (await fixture.applied(topic)).map((a) => a.event_id).sort();
    expect(applied).toEqual(events.map((e) => e.eventId).sort());
  }

  it('holds its partitions while Postgres is unreachable, then applies every message once, nothing retried or dead-lettered', async () => {
    const topic = await fixture.topic('pg_outage');
    const group = fixture.group('pg_outage');
    const pgProxy = await proxy(fixture.databaseUrl);
    const pool = createPool({
      connectionString: pgProxy.rewrite(fixture.databaseUrl),
      connectionTimeoutMs: 1_000,
      max: 4,
    });
    cleanups.push(() => pool.end());
    const r = runner(group, topic, pool, fixture.registry);
    const seen = watch(r);
    await r.start();
    const before = Array.from({ length: 6 }, (_, i) => fixture.event(`pg-${i}`, 1));
    await fixture.sendEvents(topic, before);
    await expectAppliedOnce(topic, before);

    await pgProxy.cut();
    const during = Array.from({ length: 12 }, (_, i) => fixture.event(`pg-${i % 3}`, 2 + Math.floor(i / 3)));
    await fixture.sendEvents(topic, during);
    await waitingFor(r, 'postgres');
    await pgProxy.restore();

    await expectAppliedOnce(topic, [...before, ...during]);
    await fixture.waitFor(() => Promise.resolve(r.status.status === 'running'), 'the runner to run again');
    expect(seen.map((s) => s.status)).toEqual(expect.arrayContaining(['running', 'waiting']));
    expect(seen.map((s) => s.status).lastIndexOf('running')).toBeGreaterThan(
      seen.map((s) => s.status).indexOf('waiting'),
    );
    expect(await recordsIn(failureTopics(group, topic))).toBe(0);
    expect(await r.metrics()).toMatchObject({ deadLettered: 0, retried: 0 });
  });

  it('holds while the schema registry is unreachable (a refused connection is no poison), then applies every message once', async () => {
    const topic = await fixture.topic('registry_outage');
    const group = fixture.group('registry_outage');
    const registryProxy = await proxy(stack.schemaRegistryUrl);
    // A client of its own: the fixture's has every schema cached, this one must ask.
    const registry = createSchemaRegistry(registryProxy.rewrite(stack.schemaRegistryUrl), {
      timeoutMs: 1_000,
    });
    const events = Array.from({ length: 9 }, (_, i) => fixture.event(`reg-${i % 3}`, 1 + Math.floor(i / 3)));
    await fixture.sendEvents(topic, events);
    await registryProxy.cut();
    const r = runner(group, topic, fixture.pool, registry);
    await r.start();
    await waitingFor(r, 'schema registry');
    const held = r.status;
    expect(held.status === 'waiting' ? held.reason : held.status).toMatch(/ECONNREFUSED/);
    await registryProxy.restore();

    await expectAppliedOnce(topic, events);
    await fixture.waitFor(() => Promise.resolve(r.status.status === 'running'), 'the runner to run again');
    expect(await recordsIn(failureTopics(group, topic))).toBe(0);
  });

  it('still dead-letters a poison message at once, with one try, and goes on', async () => {
    const topic = await fixture.topic('poison_now', 1);
    const group = fixture.group('poison_now');
    const good = fixture.event('p-1', 1);
    await fixture.send(topic, [{ key: 'p-0', value: Buffer.from('not avro at all') }]);
    await fixture.sendEvents(topic, [good]);
    const r = runner(group, topic, fixture.pool, fixture.registry);
    await r.start();
    await expectAppliedOnce(topic, [good]);
    const dlq = deadLetterTopicName(group, topic);
    await fixture.waitFor(async () => (await recordsIn([dlq])) > 0, 'the dead letter');
    expect(await recordsIn(failureTopics(group, topic).slice(0, 2))).toBe(0);
    const consumer = fixture.kafkajs.consumer({ groupId: `${group}.check` });
    cleanups.push(() => consumer.disconnect());
    await consumer.connect();
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    let resolveHistory: (records: FailureRecord[]) => void = () => undefined;
    const history = new Promise<FailureRecord[]>((resolve) => (resolveHistory = resolve));
    await consumer.run({
      eachMessage: ({ message }) => {
        const text = message.headers?.[FAILURE_HEADERS.history]?.toString() ?? '[]';
        resolveHistory(JSON.parse(text) as FailureRecord[]);
        return Promise.resolve();
      },
    });
    const [record] = await history;
    expect(record).toMatchObject({ tries: 1, attempt: 0 });
    expect(record?.error).toMatch(/PermanentError/);
  });
});
