import { SchemaType, type SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { PoolClient } from 'pg';
import { registryOutage } from '../consumer/errors';

/** One event to publish: the catalogue entry's topic, subject and schema, and the event. */
export interface OutboxEvent {
  topic: string;
  /** The registry subject of the topic's values. */
  subject: string;
  /** The Avro schema (avsc JSON) the value is written with; registered under `subject` beforehand. */
  schema: string;
  /** The aggregate id: the Kafka key, so one aggregate's events share a partition. */
  key: string;
  eventType: string;
  eventId: string;
  aggregateType: string;
  value: unknown;
}

/**
 * Writes events into the caller's `outbox` table inside the caller's transaction, encoded
 * as Avro in the Confluent wire format; Debezium carries the rows to Kafka. Nothing here
 * talks to Kafka, so a request never depends on the broker (no dual write).
 *
 * Schemas must have been registered beforehand (platform-init does it for the catalogue):
 * the writer only looks ids up, once per subject and schema, so a service never changes
 * the registry as a side effect of handling a request.
 */
export class OutboxWriter {
  private readonly ids = new Map<string, Promise<number>>();

  constructor(
    private readonly registry: SchemaRegistry,
    private readonly table = 'outbox',
  ) {}

  async append(tx: PoolClient, events: readonly OutboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (const [i, event] of events.entries()) {
      const payload = await this.encode(event);
      values.push(event.eventId, event.aggregateType, event.key, event.eventType, event.topic, payload);
      const o = i * 6;
      tuples.push(`($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6})`);
    }
    await tx.query(
      `insert into ${this.table} (id, aggregatetype, aggregateid, type, topic, payload) values ${tuples.join(', ')}`,
      values,
    );
  }

  /**
   * The event in the wire format. The registry being out (the id or the schema not cached
   * yet, the registry restarting) is an outage, DependencyUnavailableError: a consumer holds
   * its partition and HTTP answers 503, instead of a message climbing the retry topics to the
   * dead-letter topic over a registry restart.
   */
  private async encode(event: OutboxEvent): Promise<Buffer> {
    try {
      return await this.registry.encode(await this.schemaId(event.subject, event.schema), event.value);
    } catch (error) {
      throw registryOutage(error) ?? error;
    }
  }

  private schemaId(subject: string, schema: string): Promise<number> {
    const cacheKey = `${subject}\u0000${schema}`;
    let id = this.ids.get(cacheKey);
    if (!id) {
      id = this.registry.getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema });
      // A failed look-up (registry down) must not stick in the cache.
      id.catch(() => this.ids.delete(cacheKey));
      this.ids.set(cacheKey, id);
    }
    return id;
  }
}
