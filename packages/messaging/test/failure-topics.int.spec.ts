import { ConfigResourceTypes } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConsumerRunner, deadLetterTopicName, retryTopicName } from '../src';
import { withTimeout } from '../src/timeout';
import { ensureTopics } from '../src/topics';
import { useRunnerFixture } from './runner-fixture';

/** Retry topics keep their records past their delay: set on creation, raised on a topic that keeps less. */
describe('failure topics made by the runner', () => {
  const fixture = useRunnerFixture();
  const WEEK = 7 * 24 * 60 * 60 * 1000;

  async function retention(topics: string[]): Promise<Record<string, string | undefined>> {
    const admin = fixture.kafkajs.admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({
          type: ConfigResourceTypes.TOPIC,
          name,
          configNames: ['retention.ms'],
        })),
      });
      return Object.fromEntries(resources.map((r) => [r.resourceName, r.configEntries[0]?.configValue]));
    } finally {
      await admin.disconnect();
    }
  }

  it('creates retry topics retained max(7 days, 10 × delay), raises a short one, and keeps dead letters for ever', async () => {
    const topic = await fixture.topic('retention', 1);
    const group = fixture.group('retention');
    const [first, second, dlq] = [
      retryTopicName(group, topic, 1),
      retryTopicName(group, topic, 2),
      deadLetterTopicName(group, topic),
    ];
    // A retry topic from before retention was set, keeping records one minute only.
    const admin = fixture.kafkajs.admin();
    await admin.connect();
    await withTimeout(
      ensureTopics(admin, [
        { topic: first, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '60000' }] },
      ]),
      60_000,
      'creating the old retry topic',
    );
    await admin.disconnect();

    const runner = new ConsumerRunner({
      kafka: fixture.kafka,
      pool: fixture.pool,
      registry: fixture.registry,
      groupId: group,
      handlers: [fixture.recorder(topic)],
      retry: { retryTopicDelaysMs: [5_000, 3 * WEEK] },
    });
    // Each step is bounded and named, so that a hang says where it is.
    await withTimeout(runner.start(), 60_000, 'runner.start (creating the failure topics)');
    await withTimeout(runner.stop(), 60_000, 'runner.stop');

    expect(await withTimeout(retention([first, second, dlq]), 60_000, 'reading the retention')).toEqual({
      [first]: String(WEEK),
      [second]: String(30 * WEEK),
      [dlq]: '-1',
    });
  });
});
