import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@order-platform/testing';
import {
  deadLetterTopicName,
  FAILURE_HEADERS,
  PermanentError,
  redrive,
  RedriveError,
  type RedriveResult,
  retryTopicName,
  type RetrySettings,
  type TopicHandler,
} from '../src';
import { type TestEvent, useRunnerFixture } from './runner-fixture';

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Redrive against the real stack: dead letters go back to the failing consumer group only
 * (through its first retry topic), once each, never to the topic every group reads; the
 * command line (the built CLI, as `pnpm redrive` runs it) validates its arguments, and
 * `--dry-run` and `--limit` do what they say.
 */
describe('redrive', () => {
  const fixture = useRunnerFixture();
  const { stack } = fixture;
  const runner = (groupId: string, handlers: TopicHandler<TestEvent>[], retry: Partial<RetrySettings>) =>
    fixture.runner(groupId, handlers, {
      retry: { inProcessAttempts: 1, initialDelayMs: 20, maxDelayMs: 100, ...retry },
    });

  function cli(args: string[]): Promise<CliRun> {
    const child = spawn(
      process.execPath,
      [join(repoRoot(), 'packages/messaging/dist/cli/redrive.js'), ...args],
      {
        env: { PATH: process.env.PATH ?? '', KAFKA_BROKERS: stack.kafkaBrokers.join(',') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  }

  /** The redrive group's committed offsets on the dead-letter topic: '-1' where it never committed. */
  async function redriveOffsets(group: string, topic: string): Promise<string[]> {
    const admin = fixture.kafkajs.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({
        groupId: `${group}.redrive`,
        topics: [deadLetterTopicName(group, topic)],
      });
      return (offsets?.partitions ?? []).map((p) => p.offset);
    } finally {
      await admin.disconnect();
    }
  }

  it('sends dead letters back to the failing group only, once each; --limit, --dry-run and bad arguments', async () => {
    const topic = await fixture.topic('redrive', 2);
    const failing = fixture.group('failing');
    const other = fixture.group('other');
    const events = ['r1', 'r2', 'r3'].map((k) => fixture.event(`order-${k}`, 1, k));
    let broken = true;
    const handled = new Map<string, number>();
    const seenByOther = new Map<string, number>();
    const a = runner(
      failing,
      [
        fixture.recorder(topic, (ctx) => {
          if (broken) throw new PermanentError('rejected by validation');
          handled.set(ctx.event.eventId, (handled.get(ctx.event.eventId) ?? 0) + 1);
        }),
      ],
      { retryTopicDelaysMs: [100] },
    );
    // Another group on the same topic, which handles every event fine the first time.
    const b = runner(
      other,
      [
        {
          topic,
          ordering: 'cumulative',
          handle: (ctx) => {
            seenByOther.set(ctx.event.eventId, (seenByOther.get(ctx.event.eventId) ?? 0) + 1);
            return Promise.resolve();
          },
        },
      ],
      {},
    );
    await fixture.sendEvents(topic, events);
    await Promise.all([a.start(), b.start()]);
    await fixture.waitFor(async () => (await a.metrics()).deadLettered === 3, 'the three dead letters');
    await fixture.waitFor(async () => (await b.metrics()).processed === 3, 'the other group to handle all');
    const untouched = await redriveOffsets(failing, topic);
    expect(untouched.every((o) => o === '-1')).toBe(true);

    // Bad arguments: usage error, nothing moved (`--limit abc` used to redrive everything).
    for (const args of [
      ['--group', failing, '--topic', topic, '--limit', 'abc'],
      ['--group', failing, '--topic', topic, '--limit', '0'],
      ['--group', failing, '--topic', topic, '--force'],
      ['--topic', topic],
    ]) {
      const run = await cli(args);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toContain('usage: pnpm redrive');
    }
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');

    // A dry run lists the three and moves and commits nothing, however often it runs.
    const dry = await cli(['--group', failing, '--topic', topic, '--dry-run', '--json']);
    expect(dry.code, dry.stderr).toBe(0);
    const plan = JSON.parse(dry.stdout) as RedriveResult;
    expect(plan).toMatchObject({ dryRun: true, count: 3, target: retryTopicName(failing, topic, 1) });
    expect(plan.messages.map((m) => m.key).sort()).toEqual(['order-r1', 'order-r2', 'order-r3']);
    for (const m of plan.messages) {
      expect(m.lastError).toContain('rejected by validation');
      expect(m.failures).toBe(1);
    }
    const text = await cli(['--group', failing, '--topic', topic, '--dry-run']);
    expect(text.stdout).toContain('dry run: 3 dead letter(s)');
    expect(text.stdout).toMatch(/partition \d+ offset \d+ key order-r1: .*rejected by validation/);
    expect(await redriveOffsets(failing, topic)).toEqual(untouched);
    expect((await redrive({ kafka: fixture.kafka, groupId: failing, topic, dryRun: true })).count).toBe(3);
    expect(await fixture.applied(topic)).toEqual([]);

    // Fixed: --limit 1 moves one, then the rest go, then nothing is left.
    broken = false;
    const one = await cli(['--group', failing, '--topic', topic, '--limit', '1', '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect((JSON.parse(one.stdout) as RedriveResult).count).toBe(1);
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === 1,
      'one redriven event applied',
    );
    expect((await redrive({ kafka: fixture.kafka, groupId: failing, topic, idleMs: 1000 })).count).toBe(2);
    await fixture.waitFor(
      async () => (await fixture.applied(topic)).length === 3,
      'all redriven events applied',
    );
    expect((await redrive({ kafka: fixture.kafka, groupId: failing, topic, idleMs: 1000 })).count).toBe(0);

    // The failing group's handler got each event once; the metrics agree (no duplicates).
    expect([...handled.values()]).toEqual([1, 1, 1]);
    expect(new Set((await fixture.applied(topic)).map((r) => r.event_id))).toEqual(
      new Set(events.map((e) => e.eventId)),
    );
    expect(await a.metrics()).toMatchObject({ processed: 3, duplicates: 0, deadLettered: 3 });

    // Nothing went back to the topic every group reads: the other group saw each event once.
    const original = await fixture.readAll(topic);
    expect(original).toHaveLength(3);
    const redriven = await fixture.readAll(retryTopicName(failing, topic, 1));
    expect(redriven).toHaveLength(3);
    for (const record of redriven) {
      expect(record.headers[FAILURE_HEADERS.attempt]).toBe('1');
      expect(record.headers[FAILURE_HEADERS.history]).toContain('rejected by validation');
      const [redrove] = JSON.parse(record.headers[FAILURE_HEADERS.redriveHistory]!) as {
        deadLetterTopic: string;
      }[];
      expect(redrove?.deadLetterTopic).toBe(deadLetterTopicName(failing, topic));
      // Same key → same partition as the original (Java-compatible partitioner).
      expect(record.partition).toBe(original.find((o) => o.key === record.key)?.partition);
    }
    expect([...seenByOther.values()]).toEqual([1, 1, 1]);
    expect(await b.metrics()).toMatchObject({ processed: 3, duplicates: 0 });
  });

  it('refuses a group without retry topics, and an unknown dead-letter topic, moving nothing', async () => {
    const topic = await fixture.topic('no-retry', 1);
    const group = fixture.group('no-retry');
    const r = runner(
      group,
      [
        fixture.recorder(topic, () => {
          throw new PermanentError('rejected by validation');
        }),
      ],
      { retryTopicDelaysMs: [] },
    );
    await fixture.sendEvents(topic, [fixture.event('order-n', 1)]);
    await r.start();
    await fixture.waitFor(async () => (await r.metrics()).deadLettered === 1, 'the dead letter');

    await expect(redrive({ kafka: fixture.kafka, groupId: group, topic })).rejects.toThrow(RedriveError);
    const run = await cli(['--group', group, '--topic', topic]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `consumer group ${group} has no retry topic ${retryTopicName(group, topic, 1)}`,
    );
    expect(run.stderr).toContain('nothing was moved');
    expect((await redriveOffsets(group, topic)).every((o) => o === '-1')).toBe(true);
    expect(await fixture.readAll(deadLetterTopicName(group, topic))).toHaveLength(1);

    const unknown = await cli(['--group', `${group}.typo`, '--topic', topic]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      `there is no dead-letter topic ${deadLetterTopicName(`${group}.typo`, topic)}`,
    );
  });
});
