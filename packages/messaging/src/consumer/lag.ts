import type { Admin } from 'kafkajs';
import { withTimeout } from '../timeout';

/** Per topic: records behind the group's committed offsets (high watermark − committed, or − low when none). */
export async function groupLag(
  admin: Admin,
  groupId: string,
  topics: string[],
  timeoutMs: number,
): Promise<Record<string, number>> {
  const work = (async () => {
    await admin.connect();
    const lag: Record<string, number> = {};
    const committed = await admin.fetchOffsets({ groupId, topics });
    for (const { topic, partitions } of committed) {
      const ends = await admin.fetchTopicOffsets(topic);
      let behind = 0;
      for (const end of ends) {
        const done = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const start = Number(done) < 0 ? Number(end.low) : Number(done);
        behind += Math.max(0, Number(end.high) - start);
      }
      lag[topic] = behind;
    }
    return lag;
  })();
  return withTimeout(work, timeoutMs, 'Kafka (group offsets)');
}
