import type { KafkaClient } from '../kafka-client';

/**
 * A consumer group and the topics to wait on: the topics its handlers are declared for. Its
 * retry topics are left out unless named: a record parked there waits for its due time
 * (minutes, for news about an order not known yet), which is no test's business to wait on.
 */
export interface GroupTopics {
  groupId: string;
  topics: readonly string[];
}

/**
 * Waits until every given group has committed past everything its topics held when this
 * was called: whatever a test sent before is then handled (or dropped as a duplicate or
 * stale, or parked in a retry topic) and committed, and any effect it had is there to
 * see. Built on the groups'
 * committed offsets, not on a guess of how long handling takes. Runners commit past
 * transaction markers too, so a group that has read everything is at the end offsets.
 */
export async function settled(
  kafka: KafkaClient,
  groups: readonly GroupTopics[],
  timeoutMs = 60_000,
): Promise<void> {
  await kafka.withAdmin(async (admin) => {
    const marks = new Map<string, number>();
    for (const { groupId, topics } of groups) {
      for (const topic of topics) {
        for (const o of await admin.offsets(topic)) marks.set(`${groupId} ${topic}/${o.partition}`, o.high);
      }
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const behind: string[] = [];
      for (const { groupId, topics } of groups) {
        for (const p of await admin.positions(groupId, topics)) {
          const key = `${groupId} ${p.topic}/${p.partition}`;
          const mark = marks.get(key) ?? 0;
          if (p.next < mark) behind.push(`${key} at ${p.next} of ${mark}`);
        }
      }
      if (behind.length === 0) return;
      if (Date.now() > deadline) {
        throw new Error(`not settled within ${timeoutMs} ms: ${behind.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}
