import { eventually, until } from '@order-platform/testing';
import { describe, expect, it } from 'vitest';
import { TopicReader } from '../src/testing';
import { useRunnerFixture } from './runner-fixture';

/** KafkaAdmin's view of who reads a topic: what a tool asks before it writes there. */
describe('KafkaAdmin.readersOf', () => {
  const fixture = useRunnerFixture();

  it('names the groups assigned a topic while their members run, and forgets them once they stop', async () => {
    const [read, unread] = [await fixture.topic('read', 2), await fixture.topic('unread', 1)];
    const admin = fixture.kafka.admin();
    const reader = await new TopicReader(fixture.kafka, [read]).start();
    try {
      const readers = await eventually(
        `a group reading ${read}`,
        until(
          () => admin.readersOf([read, unread]),
          (found) => found.length > 0,
        ),
        30_000,
      );
      expect(readers).toHaveLength(1);
      expect(readers[0]?.topics).toEqual([read]);
      expect(await admin.readersOf([unread])).toEqual([]);
    } finally {
      await reader.stop();
    }
    // A stopped member leaves the group at once (no session timeout to wait for).
    expect(await admin.readersOf([read])).toEqual([]);
    await admin.close();
  });
});
