import {
  registerSchemas,
  TOPICS,
  type ContractTopic,
  type RegisteredSchema,
} from '@order-platform/contracts';
import type { KafkaClient } from '@order-platform/messaging';

export interface RegisterOptions {
  /** The schema registry's Confluent-compatible API root. */
  registryUrl: string;
  kafka: KafkaClient;
  /** Default: the whole catalogue. */
  topics?: readonly ContractTopic[];
  log?: (line: string) => void;
}

export interface RegisterResult {
  schemas: RegisteredSchema[];
  createdTopics: string[];
  existingTopics: string[];
}

/**
 * Creates the topics that do not exist yet, with their partition counts and configuration,
 * and brings an existing topic's configuration to the catalogue's (it owns the whole set).
 * An existing topic whose partition count differs from the catalogue's is an error, never
 * "fixed": adding partitions moves keys to other partitions, and with them an order's
 * events away from their history.
 */
export async function createTopics(
  kafka: KafkaClient,
  topics: readonly ContractTopic[] = TOPICS,
): Promise<{ created: string[]; existing: string[]; reconfigured: string[] }> {
  return kafka.withAdmin(async (admin) => {
    const counts = await admin.partitionCounts(topics.map((t) => t.topic));
    const existing = topics.filter((t) => counts.has(t.topic));
    if (existing.length > 0) {
      const wrong = existing
        .map((t) => ({ t, actual: counts.get(t.topic) ?? 0 }))
        .filter(({ t, actual }) => actual !== t.partitions)
        .map(({ t, actual }) => `${t.topic} has ${actual} partitions, the catalogue says ${t.partitions}`);
      if (wrong.length > 0) {
        throw new Error(
          `topics differ from the catalogue (partitions are never changed automatically): ${wrong.join('; ')}`,
        );
      }
    }
    const reconfigured: string[] = [];
    for (const t of existing) {
      const actual = await admin.topicConfig(t.topic);
      // Broker-wide settings (server.properties) show up too: compare the catalogue's only.
      if (Object.entries(t.config).every(([name, value]) => actual[name] === value)) continue;
      await admin.setTopicConfig(t.topic, t.config);
      reconfigured.push(t.topic);
    }
    const created = await admin.ensureTopics(
      topics.map((t) => ({ topic: t.topic, partitions: t.partitions, config: t.config })),
    );
    return { created, existing: existing.map((t) => t.topic), reconfigured };
  });
}

/** What platform-init runs: every schema registered, every topic created. Safe to run again. */
export async function registerContracts(options: RegisterOptions): Promise<RegisterResult> {
  const topics = options.topics ?? TOPICS;
  const log = options.log ?? (() => undefined);
  const schemas = await registerSchemas(options.registryUrl, topics);
  for (const s of schemas) log(`schema ${s.subject}: id ${s.id}`);
  const { created, existing, reconfigured } = await createTopics(options.kafka, topics);
  for (const t of topics) {
    const state = created.includes(t.topic)
      ? 'created'
      : reconfigured.includes(t.topic)
        ? 'exists, configuration updated'
        : 'exists';
    log(`topic ${t.topic}: ${state}, ${t.partitions} partitions`);
  }
  return { schemas, createdTopics: created, existingTopics: existing };
}
