import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ConsumerRunner, retryTopicName } from '../src';
import { type TestEvent, useRunnerFixture } from './runner-fixture';

interface ChildConfig {
  groupId: string;
  topic: string;
  killAt: 'afterDatabaseCommit' | 'insideKafkaTransaction';
  killKey: string;
  failKey?: string;
}

/**
 * Crashes at the two points where a message is most at risk, in a child process killed with
 * SIGKILL (no clean-up runs), then a fresh runner in the same group takes over: nothing may
 * be lost and nothing applied or moved twice.
 */
describe('ConsumerRunner after a SIGKILL', () => {
  const fixture = useRunnerFixture();
  const { stack } = fixture;

  /** Runs the child until it kills itself; resolves with the signal it died of. */
  function runChildUntilKilled(config: ChildConfig): Promise<string | null> {
    const child = spawn(process.execPath, [join(__dirname, 'child/runner-child.mjs')], {
      env: {
        ...process.env,
        RUNNER_CHILD: JSON.stringify({
          ...config,
          brokers: stack.kafkaBrokers,
          registryUrl: stack.schemaRegistryUrl,
          databaseUrl: fixture.databaseUrl,
        }),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('the child runner did not reach its kill point within 60 s'));
      }, 60_000);
      child.on('exit', (_code, signal) => {
        clearTimeout(timer);
        resolve(signal);
      });
    });
  }

  function successor(groupId: string, topic: string): ConsumerRunner {
    return fixture.runner(groupId, [fixture.recorder(topic)], {
      retry: { inProcessAttempts: 1, retryTopicDelaysMs: [200] },
    });
  }

  function events(keys: string[], perKey: number): TestEvent[] {
    const out: TestEvent[] = [];
    for (let s = 1; s <= perKey; s++) for (const key of keys) out.push(fixture.event(key, s));
    return out;
  }

  it('applies a message once when the process dies between the database commit and the offset commit', async () => {
    const topic = await fixture.topic('crash_db', 2);
    const groupId = fixture.group('crash_db');
    const sent = events(['order-k', 'order-x', 'order-y'], 5);
    await fixture.sendEvents(topic, sent);
    expect(
      await runChildUntilKilled({ groupId, topic, killAt: 'afterDatabaseCommit', killKey: 'order-k' }),
    ).toBe('SIGKILL');
    const appliedByChild = (await fixture.applied(topic)).length;
    expect(appliedByChild).toBeGreaterThan(0);

    const r = successor(groupId, topic);
    await r.start();
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === sent.length,
      'every event to be applied',
    );
    const applied = await fixture.applied(topic);
    expect(new Set(applied.map((a) => a.event_id))).toEqual(new Set(sent.map((e) => e.eventId)));
    expect(applied).toHaveLength(sent.length);
    // The message committed to Postgres but not to Kafka came again and was skipped.
    expect((await r.metrics()).duplicates).toBeGreaterThanOrEqual(1);
  });

  it('neither loses nor duplicates a message when the process dies inside the Kafka transaction moving it to a retry topic', async () => {
    const topic = await fixture.topic('crash_tx', 1);
    const groupId = fixture.group('crash_tx');
    const failing = fixture.event('order-f', 1, 'fails once');
    const after = events(['order-a', 'order-b'], 3);
    await fixture.sendEvents(topic, [failing, ...after]);
    expect(
      await runChildUntilKilled({
        groupId,
        topic,
        killAt: 'insideKafkaTransaction',
        killKey: 'order-f',
        failKey: 'order-f',
      }),
    ).toBe('SIGKILL');
    expect(await fixture.applied(topic)).toEqual([]);

    // The successor fails order-f once more on the original topic (the child's half-done move
    // was aborted when the successor's producer took over its transactional id), moves it to
    // the retry topic, and applies it from there.
    let failedAgain = 0;
    const r = fixture.runner(
      groupId,
      [
        fixture.recorder(topic, (ctx) => {
          if (ctx.event.aggregateId === 'order-f' && ctx.message.topic === topic) {
            failedAgain += 1;
            throw new Error('transient failure');
          }
        }),
      ],
      { retry: { inProcessAttempts: 1, retryTopicDelaysMs: [200] } },
    );
    await r.start();
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === 1 + after.length,
      'every event to be applied',
    );
    expect(failedAgain).toBe(1);
    const applied = await fixture.applied(topic);
    expect(applied.map((a) => a.event_id).sort()).toEqual([failing, ...after].map((e) => e.eventId).sort());
    await r.stop();

    const retried = await fixture.readAll(retryTopicName(groupId, topic, 1));
    // read_committed: the aborted copy from the killed child is invisible; one copy remains.
    expect(retried.map((e) => e.key)).toEqual(['order-f']);
  });
});
