/**
 * The Debezium connector that carries outbox rows to Kafka. One definition serves the
 * platform (platform-init registers it for every service's outbox), docker compose (its
 * init container runs platform-init) and the integration tests (which register their own
 * copy on their own schema, publication and slot).
 *
 * The outbox row becomes a Kafka record like this:
 *   topic   = the row's `topic` column (EventRouter route.by.field + ${routedByValue})
 *   key     = `aggregateid` (the order id), so one order's events share a partition
 *   value   = `payload` bytes untouched: Avro in the Confluent wire format, encoded by the
 *             service (BinaryDataConverter passes byte[] through)
 *   headers = `id` (the event id) and `eventType` (the `type` column)
 */
export interface OutboxConnectorOptions {
  /** Connector name in Kafka Connect. */
  name: string;
  /** Host Debezium (inside Kafka Connect) uses to reach Postgres. */
  databaseHost: string;
  databasePort: number;
  databaseName: string;
  databaseUser: string;
  databasePassword: string;
  /** Replication slot; one per connector. */
  slotName: string;
  /** Existing publication covering exactly the outbox tables (insert-only). */
  publicationName: string;
  /** Fully qualified outbox tables, e.g. ["basket.outbox", "orders.outbox"]. */
  tables: readonly string[];
  /** Prefix for Debezium's own topics (heartbeats, and the name space of its offsets). */
  topicPrefix: string;
  /** How often Debezium writes a heartbeat and confirms its position (default 5 s). */
  heartbeatIntervalMs?: number;
  /**
   * A table in the publication, but not in `tables`, that each heartbeat inserts into
   * (insert-only, like the outbox). Its rows reach Debezium, are filtered out, and move
   * the replication slot on when no outbox row comes.
   */
  heartbeatTable: string;
}

/**
 * Debezium's heartbeat topic for a connector. It must exist before the connector starts:
 * the broker does not auto-create topics, and the connector is not allowed to (a
 * mistyped outbox topic would otherwise appear silently with one partition).
 */
export function heartbeatTopic(topicPrefix: string): string {
  return `__debezium-heartbeat.${topicPrefix}`;
}

export const OUTBOX_COLUMNS = [
  'id',
  'aggregatetype',
  'aggregateid',
  'type',
  'topic',
  'payload',
  'created_at',
] as const;

export function outboxConnectorConfig(o: OutboxConnectorOptions): Record<string, string> {
  if (o.tables.length === 0) throw new Error('an outbox connector needs at least one table');
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'plugin.name': 'pgoutput',
    'database.hostname': o.databaseHost,
    'database.port': String(o.databasePort),
    'database.user': o.databaseUser,
    'database.password': o.databasePassword,
    'database.dbname': o.databaseName,
    'topic.prefix': o.topicPrefix,
    'slot.name': o.slotName,
    'publication.name': o.publicationName,
    // The project creates the publication for the outbox tables only; Debezium must not
    // widen it to every table.
    'publication.autocreate.mode': 'disabled',
    'table.include.list': o.tables.join(','),
    // Outbox rows are events to deliver from now on, not state to snapshot.
    'snapshot.mode': 'no_data',
    // How long Debezium waits when nothing came: both its WAL reader and the queue Connect
    // polls wait this long before they look again, and a change arriving meanwhile is not
    // looked at sooner, so every hop of an order paid about this much (the default, 500 ms,
    // added half a second per hop). Measured with pnpm bench:system's CDC ceiling (a bare
    // insert loop, 50 rows/s, commit → broker append): 10 ms p50 16 ms, p99 36 ms; 25 ms
    // p50 30 ms, p99 60 ms; 100 ms p50 92 ms, p99 204 ms. The price is Connect's CPU while
    // idle, from /proc over 30 s: 10 ms 12.9 % of a core, 100 ms 3.4 %, 500 ms 1.7 %.
    'poll.interval.ms': '10',
    // The slot only advances when Debezium confirms an LSN it has received, and it
    // receives only changes of published tables. While no outbox row is written (and other
    // databases of the cluster keep writing WAL) the slot would pin WAL, so each heartbeat
    // also writes a row that Debezium receives, filters out, and confirms. Heartbeat
    // records pass through the EventRouter and BinaryDataConverter's delegate unchanged.
    'heartbeat.interval.ms': String(o.heartbeatIntervalMs ?? 5000),
    'heartbeat.action.query': `WITH pruned AS (DELETE FROM ${o.heartbeatTable} WHERE beat_at < now() - interval '1 minute') INSERT INTO ${o.heartbeatTable} (beat_at) VALUES (now())`,
    // Fail rather than run without KIP-618 exactly-once delivery of outbox rows.
    'exactly.once.support': 'required',
    'transaction.boundary': 'poll',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'io.debezium.converters.BinaryDataConverter',
    'value.converter.delegate.converter.type': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.delegate.converter.type.schemas.enable': 'false',
    'header.converter': 'org.apache.kafka.connect.storage.StringConverter',
    // Debezium 3.2 otherwise adds three __debezium.context.* headers to every record.
    'extended.headers.enabled': 'false',
    transforms: 'outbox',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.table.field.event.id': 'id',
    'transforms.outbox.table.field.event.key': 'aggregateid',
    'transforms.outbox.table.field.event.payload': 'payload',
    'transforms.outbox.route.by.field': 'topic',
    'transforms.outbox.route.topic.replacement': '${routedByValue}',
    'transforms.outbox.table.fields.additional.placement': 'type:header:eventType',
    // No topic.creation.* here: topics are created up front from the topic catalogue with
    // their partition counts, and the broker does not auto-create, so a row naming an
    // unknown topic fails loudly instead of creating a one-partition topic.
  };
}
