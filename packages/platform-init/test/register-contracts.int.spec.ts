import {
  type ContractTopic,
  registerSchemas,
  RegistryRest,
  subjectName,
  TOPICS,
  type TopicSpec,
} from '@order-platform/contracts';
import { anEvent } from '@order-platform/contracts/testing';
import { createKafka, createSchemaRegistry } from '@order-platform/messaging';
import { uniqueName, useStack } from '@order-platform/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { createTopics, registerContracts } from '../src/register-contracts';

/**
 * Registration against the real registry and broker. The catalogue is registered under
 * names of this run's own (prefix + topic), so the test neither depends on nor disturbs
 * what platform-init registered on the shared stack.
 */
describe('registering the contracts', () => {
  const stack = useStack();
  const prefix = uniqueName('contracts');
  const rename = (t: TopicSpec): ContractTopic & { original: TopicSpec } => {
    const topic = `${prefix}.${t.topic}`;
    return {
      topic,
      subject: subjectName(topic),
      schema: t.schema,
      partitions: t.partitions,
      config: t.config,
      original: t,
    };
  };
  const topics = TOPICS.map(rename);
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: prefix });
  const rest = new RegistryRest(stack.schemaRegistryUrl);
  const extraTopics: string[] = [];
  const extraSubjects: string[] = [];

  afterAll(async () => {
    await kafka
      .withAdmin((admin) => admin.deleteTopics([...topics.map((t) => t.topic), ...extraTopics]))
      .catch(() => undefined);
    for (const subject of [...topics.map((t) => t.subject), ...extraSubjects])
      await rest.deleteSubject(subject);
  });

  it('registers every schema under <topic>-value with its own BACKWARD rule and creates every topic with its partitions; a second run changes nothing', async () => {
    const first = await registerContracts({
      registryUrl: stack.schemaRegistryUrl,
      kafka,
      topics,
    });
    expect(first.schemas.map((s) => s.subject)).toEqual(topics.map((t) => t.subject));
    expect(first.createdTopics).toEqual(topics.map((t) => t.topic));
    expect(first.existingTopics).toEqual([]);

    for (const t of topics) {
      expect(await rest.compatibility(t.subject), t.subject).toBe('BACKWARD');
      expect(await rest.versions(t.subject), t.subject).toHaveLength(1);
    }
    const counts = await kafka.withAdmin((admin) => admin.partitionCounts(topics.map((t) => t.topic)));
    for (const t of topics) expect(counts.get(t.topic), t.topic).toBe(t.partitions);
    expect(Math.min(...topics.map((t) => t.partitions))).toBeGreaterThan(1);
    const config = await kafka.withAdmin((admin) => admin.topicConfig(topics[0]!.topic));
    expect(config).toMatchObject(topics[0]!.config);

    const second = await registerContracts({
      registryUrl: stack.schemaRegistryUrl,
      kafka,
      topics,
    });
    expect(second.schemas).toEqual(first.schemas);
    expect(second.createdTopics).toEqual([]);
    expect(second.existingTopics).toEqual(topics.map((t) => t.topic));
    for (const t of topics) expect(await rest.versions(t.subject), t.subject).toHaveLength(1);
  });

  it('encodes and decodes every event through the registered schemas (Confluent wire format)', async () => {
    const ids = await registerSchemas(stack.schemaRegistryUrl, topics);
    const registry = createSchemaRegistry(stack.schemaRegistryUrl);
    for (const [i, t] of topics.entries()) {
      const event = anEvent(t.original.topic);
      const bytes = await registry.encode(ids[i]!.id, event);
      expect(bytes.readUInt8(0)).toBe(0);
      expect(bytes.readInt32BE(1)).toBe(ids[i]!.id);
      expect(await registry.decode(bytes)).toEqual(event);
    }
  });

  it('lets the registry refuse an incompatible version of a registered subject', async () => {
    const [t] = topics;
    const schema = JSON.parse(t!.schema) as { fields: object[] };
    schema.fields.push({ name: 'giftNote', type: 'string', doc: 'A note without a default.' });
    await expect(
      registerSchemas(stack.schemaRegistryUrl, [{ ...t!, schema: JSON.stringify(schema) }]),
    ).rejects.toThrow(/giftNote|incompatible/i);
  });

  it('registers a subject that exists without a rule of its own (the registry would answer with its global default)', async () => {
    const [t] = TOPICS.map(rename);
    const subject = subjectName(uniqueName('contracts_norule'));
    extraSubjects.push(subject);
    await rest.register(subject, t!.schema);
    const [registered] = await registerSchemas(stack.schemaRegistryUrl, [{ ...t!, subject }]);
    expect(registered!.id).toBeGreaterThan(0);
    expect(await rest.compatibility(subject)).toBe('BACKWARD');
  });

  it("brings an existing topic's configuration to the catalogue's (a topic made before a setting was added)", async () => {
    const topic = uniqueName('contracts_old_config');
    extraTopics.push(topic);
    const old = { 'retention.ms': '-1', 'cleanup.policy': 'delete' };
    await kafka.withAdmin((admin) => admin.ensureTopics([{ topic, partitions: 6, config: old }]));
    const spec = { ...topics[0]!, topic };
    expect(await kafka.withAdmin((admin) => admin.topicConfig(topic))).not.toHaveProperty(
      'message.timestamp.type',
    );

    expect(await createTopics(kafka, [spec])).toEqual({
      created: [],
      existing: [topic],
      reconfigured: [topic],
    });
    expect(await kafka.withAdmin((admin) => admin.topicConfig(topic))).toMatchObject(spec.config);
    expect(await createTopics(kafka, [spec])).toEqual({ created: [], existing: [topic], reconfigured: [] });
  });

  it('refuses to touch a topic whose partition count differs from the catalogue', async () => {
    const topic = uniqueName('contracts_two_partitions');
    extraTopics.push(topic);
    await kafka.withAdmin((admin) => admin.ensureTopics([{ topic, partitions: 2 }]));
    await expect(createTopics(kafka, [{ ...topics[0]!, topic }])).rejects.toThrow(
      new RegExp(`${topic} has 2 partitions, the catalogue says 6`),
    );
  });
});
