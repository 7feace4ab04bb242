import { ConfigResourceTypes, type Admin, type ITopicConfig } from 'kafkajs';
import { ensureTopics } from '../topics';
import { deadLetterTopicName, retryTopicName, retryTopicRetentionMs } from './failure-topics';

/**
 * Creates the group's missing retry and dead-letter topics, as many partitions as their
 * source topic. Retry topics keep records longer than their delay; dead letters wait for a
 * person, so they are kept until redriven or deleted. Existing topics keep their settings
 * except a retry topic's retention, which is raised when it is shorter than its delay needs.
 */
export async function createFailureTopics(
  admin: Admin,
  groupId: string,
  topics: string[],
  retryTopicDelaysMs: readonly number[],
): Promise<void> {
  const wanted: ITopicConfig[] = [];
  for (const topic of topics) {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const numPartitions = metadata.topics[0]?.partitions.length ?? 1;
    retryTopicDelaysMs.forEach((delayMs, i) => {
      wanted.push({
        topic: retryTopicName(groupId, topic, i + 1),
        numPartitions,
        configEntries: [{ name: 'retention.ms', value: String(retryTopicRetentionMs(delayMs)) }],
      });
    });
    wanted.push({
      topic: deadLetterTopicName(groupId, topic),
      numPartitions,
      configEntries: [{ name: 'retention.ms', value: '-1' }],
    });
  }
  await ensureTopics(admin, wanted);
  await raiseShortRetention(
    admin,
    wanted.filter((t) => t.topic.includes('.retry.')),
  );
}

/** Retry topics made before retention was set got the broker default (often 7 days, or less). */
async function raiseShortRetention(admin: Admin, retryTopics: ITopicConfig[]): Promise<void> {
  if (retryTopics.length === 0) return;
  const { resources } = await admin.describeConfigs({
    includeSynonyms: false,
    resources: retryTopics.map((t) => ({
      type: ConfigResourceTypes.TOPIC,
      name: t.topic,
      configNames: ['retention.ms'],
    })),
  });
  const short = retryTopics.filter((t) => {
    const current = resources.find((r) => r.resourceName === t.topic)?.configEntries[0]?.configValue;
    const wanted = Number(t.configEntries?.[0]?.value);
    return current !== undefined && Number(current) >= 0 && Number(current) < wanted;
  });
  if (short.length === 0) return;
  await admin.alterConfigs({
    validateOnly: false,
    resources: short.map((t) => ({
      type: ConfigResourceTypes.TOPIC,
      name: t.topic,
      configEntries: t.configEntries ?? [],
    })),
  });
}
