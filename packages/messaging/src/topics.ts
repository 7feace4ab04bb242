import type { Admin, ITopicConfig } from 'kafkajs';

/**
 * Creates the topics that do not exist and waits until every partition of every given
 * topic has a leader. KafkaJS's own `waitForLeaders` gives up on a freshly created topic
 * the broker does not host yet ("This server does not host this topic-partition"), so the
 * wait is done here, by polling metadata until it answers for all of them.
 */
export async function ensureTopics(
  admin: Admin,
  topics: ITopicConfig[],
  timeoutMs = 30_000,
): Promise<string[]> {
  const present = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !present.has(t.topic));
  if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: false });
  const names = topics.map((t) => t.topic);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics: names });
      const leaderless = metadata.filter(
        (t) => t.partitions.length === 0 || t.partitions.some((p) => p.leader < 0),
      );
      if (leaderless.length === 0) return missing.map((t) => t.topic);
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`topics without leaders after ${timeoutMs} ms: ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
