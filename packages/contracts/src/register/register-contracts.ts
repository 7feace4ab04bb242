import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
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

export interface RegisteredSchema {
  subject: string;
  id: number;
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
