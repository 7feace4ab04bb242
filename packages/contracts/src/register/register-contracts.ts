import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createKafka, ensureTopics } from '@order-platform/messaging';
import { TOPICS } from '../catalogue';
import { RegistryRest } from '../registry/registry-rest';

/** The parts of a catalogue entry (a TopicSpec) that registration and topic creation use; tests pass renamed copies. */
export interface ContractTopic {
  topic: string;
  subject: string;
  schema: string;
  partitions: number;
  config: Readonly<Record<string, string>>;
}

export interface RegisterOptions {
  /** The schema registry's Confluent-compatible API root. */
  registryUrl: string;
  brokers: string[];
  /** Default: the whole catalogue. */
  topics?: readonly ContractTopic[];
  log?: (line: string) => void;
}

export interface RegisteredSchema {
  subject: string;
  id: number;
}

export interface RegisterResult {
  schemas: RegisteredSchema[];
  createdTopics: string[];
  existingTopics: string[];
}

/**
 * Registers every topic's schema under its subject with a BACKWARD rule of its own.
 * Apicurio answers a subject's compatibility GET with the global default when the subject
 * has no rule, and the client refuses to register when that differs from the compatibility
 * it was asked for ("Compatibility does not match"); setting the subject's level first makes
 * the answer the subject's own, whatever the global default. Registering a schema a subject
 * already has returns its id, so this is idempotent.
 */
export async function registerSchemas(
  registryUrl: string,
  topics: readonly ContractTopic[] = TOPICS,
): Promise<RegisteredSchema[]> {
  const rest = new RegistryRest(registryUrl);
  const registry = new SchemaRegistry({ host: registryUrl, clientId: 'order-platform-contracts' });
  const registered: RegisteredSchema[] = [];
  for (const { subject, schema } of topics) {
    await rest.setCompatibility(subject, 'BACKWARD');
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema },
      { subject, compatibility: COMPATIBILITY.BACKWARD },
    );
    registered.push({ subject, id });
  }
  return registered;
}

/**
 * Creates the topics that do not exist yet, with their partition counts and configuration.
 * An existing topic whose partition count differs from the catalogue's is an error, never
 * "fixed": adding partitions moves keys to other partitions, and with them an order's
 * events away from their history.
 */
export async function createTopics(
  brokers: string[],
  topics: readonly ContractTopic[] = TOPICS,
): Promise<{ created: string[]; existing: string[] }> {
  const admin = createKafka({ brokers, clientId: 'order-platform-contracts' }).admin();
  await admin.connect();
  try {
    const present = new Set(await admin.listTopics());
    const existing = topics.filter((t) => present.has(t.topic));
    if (existing.length > 0) {
      const metadata = await admin.fetchTopicMetadata({ topics: existing.map((t) => t.topic) });
      const wrong = existing
        .map((t) => ({ t, actual: metadata.topics.find((m) => m.name === t.topic)?.partitions.length ?? 0 }))
        .filter(({ t, actual }) => actual !== t.partitions)
        .map(({ t, actual }) => `${t.topic} has ${actual} partitions, the catalogue says ${t.partitions}`);
      if (wrong.length > 0) {
        throw new Error(
          `topics differ from the catalogue (partitions are never changed automatically): ${wrong.join('; ')}`,
        );
      }
    }
    const created = await ensureTopics(
      admin,
      topics.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        configEntries: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      })),
    );
    return { created, existing: existing.map((t) => t.topic) };
  } finally {
    await admin.disconnect();
  }
}

/** What platform-init runs: every schema registered, every topic created. Safe to run again. */
export async function registerContracts(options: RegisterOptions): Promise<RegisterResult> {
  const topics = options.topics ?? TOPICS;
  const log = options.log ?? (() => undefined);
  const schemas = await registerSchemas(options.registryUrl, topics);
  for (const s of schemas) log(`schema ${s.subject}: id ${s.id}`);
  const { created, existing } = await createTopics(options.brokers, topics);
  for (const t of topics)
    log(`topic ${t.topic}: ${created.includes(t.topic) ? 'created' : 'exists'}, ${t.partitions} partitions`);
  return { schemas, createdTopics: created, existingTopics: existing };
}
