import { createKafka, deadLetterTopicName } from '@order-platform/messaging';

/** The dead-letter topics' names end the way the runtime names them. */
const SUFFIX = deadLetterTopicName('', '').replace(/^\./, '');

/** How many messages each dead-letter topic holds now (high minus low watermark, per topic). */
export async function deadLetterCounts(brokers: string[]): Promise<Record<string, number>> {
  const admin = createKafka({ brokers, clientId: 'faults.dead-letters' }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.endsWith(SUFFIX));
    const counts: Record<string, number> = {};
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      counts[topic] = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    }
    return counts;
  } finally {
    await admin.disconnect();
  }
}
