import { type EventsByTopic, schemaSources } from './generated';

/** The five services; each owns the topics of its bounded context. */
export type ServiceName = 'basket' | 'order' | 'payment' | 'shipping' | 'email';

/** Who reads topics: the services, and `views`, the read-side projector that consumes every topic. */
export type ConsumerName = ServiceName | 'views';

/** Every topic there is: `<context>.<event>.v<major>`, one per schema under schemas/. */
export type TopicName = keyof EventsByTopic;

/** The event (a type generated from its Avro schema) that a topic carries. */
export type EventOf<T extends TopicName> = EventsByTopic[T];

/** Any event of any topic. */
export type AnyEvent = EventsByTopic[TopicName];

/** The record name of an event, also its `eventType` field, e.g. "OrderConfirmed". */
export type EventTypeName = (typeof schemaSources)[TopicName]['eventType'];

/**
 * The fields every event starts with (ARCHITECTURE "Contracts"). The compiler checks that
 * each generated event type has them; the unit tests check that each schema declares them
 * alike, with the same types and docs.
 */
export const ENVELOPE_FIELDS = [
  'eventId',
  'eventType',
  'occurredAt',
  'aggregateId',
  'sequence',
  'correlationId',
  'causationId',
] as const satisfies readonly (keyof AnyEvent)[];

export type EventEnvelope = Pick<AnyEvent, (typeof ENVELOPE_FIELDS)[number]>;

/**
 * How a topic's messages may be handled when one of them has to wait (ARCHITECTURE
 * "Retries and order"):
 * - `cumulative`: a newer event for an order carries everything the older ones on the topic
 *   did, so a message parked in a retry topic lets the key's later messages pass, and an
 *   older one that arrives after a newer one is discarded as stale without loss;
 * - `ordered`: events are not cumulative, so a parked message holds back the later
 *   messages of its key. No topic needs this today.
 */
// The rule names the consumer runner of @order-platform/messaging enforces (its own
// TopicOrdering has the same two; service-kit's topicHandler passes one to the other).
export type TopicOrdering = 'cumulative' | 'ordered';

export interface TopicSpec<T extends TopicName = TopicName> {
  topic: T;
  /** The record name of the topic's schema, and the value of its events' `eventType`. */
  eventType: (typeof schemaSources)[T]['eventType'];
  /** The major version: the `v<n>` of the topic name. */
  version: number;
  /** Several, so that a consumer group spreads orders over instances; never changed once created, because a key's partition would move. */
  partitions: number;
  /** The Kafka record key: the event's aggregateId, the order id. */
  key: 'aggregateId';
  /** The one service that writes the topic (through its outbox). */
  producer: ServiceName;
  consumers: readonly ConsumerName[];
  ordering: TopicOrdering;
  /** Topic-level configuration it is created with. */
  config: Readonly<Record<string, string>>;
  /** The schema registry subject of the topic's values (TopicNameStrategy). */
  subject: string;
  /** The Avro schema, as JSON text. */
  schema: string;
  /** Where the schema's source is, relative to the repository root. */
  schemaFile: string;
}

export const DEFAULT_PARTITIONS = 6;

/**
 * Views are rebuilt by replaying every topic from offset 0, so no event may ever expire.
 * (This also bounds housekeeping: a transactions-table row must outlive its message's
 * chance of redelivery, see ARCHITECTURE "Correctness notes".)
 * A record's timestamp is when the broker appended it (LogAppendTime), not when Debezium
 * read the row: the system benchmark splits each hop there, outbox commit → in Kafka →
 * consumer commit. No consumer reads record timestamps; events carry their own occurredAt.
 */
const TOPIC_CONFIG = {
  'retention.ms': '-1',
  'cleanup.policy': 'delete',
  'message.timestamp.type': 'LogAppendTime',
} as const;

interface Routing {
  producer: ServiceName;
  consumers: readonly ConsumerName[];
  ordering: TopicOrdering;
}

/**
 * Who writes and who reads each topic (ARCHITECTURE "What the system is"). `satisfies`
 * makes the compiler reject a schema without an entry here, and an entry without a schema.
 * Every topic is cumulative: order topics carry one event per order, and the two that carry
 * several per order carry the history in each event (ShipmentStatusChanged its timeline,
 * EmailSent the order's email history).
 */
const routing = {
  'basket.order-requested.v1': { producer: 'basket', consumers: ['order', 'views'], ordering: 'cumulative' },
  'order.order-validated.v1': { producer: 'order', consumers: ['payment', 'views'], ordering: 'cumulative' },
  'order.order-rejected.v1': { producer: 'order', consumers: ['email', 'views'], ordering: 'cumulative' },
  'payment.payment-processed.v1': {
    producer: 'payment',
    consumers: ['order', 'views'],
    ordering: 'cumulative',
  },
  'payment.payment-failed.v1': { producer: 'payment', consumers: ['order', 'views'], ordering: 'cumulative' },
  'order.order-confirmed.v1': {
    producer: 'order',
    consumers: ['shipping', 'email', 'views'],
    ordering: 'cumulative',
  },
  'order.order-cancelled.v1': { producer: 'order', consumers: ['email', 'views'], ordering: 'cumulative' },
  'shipping.shipment-status-changed.v1': {
    producer: 'shipping',
    consumers: ['order', 'views'],
    ordering: 'cumulative',
  },
  'shipping.order-delivered.v1': {
    producer: 'shipping',
    consumers: ['order', 'views'],
    ordering: 'cumulative',
  },
  'order.order-completed.v1': { producer: 'order', consumers: ['email', 'views'], ordering: 'cumulative' },
  'email.email-sent.v1': { producer: 'email', consumers: ['views'], ordering: 'cumulative' },
} as const satisfies Record<TopicName, Routing>;

/** The schema registry subject of a topic's values: `<topic>-value` (TopicNameStrategy). */
export function subjectName(topic: string): string {
  return `${topic}-value`;
}

function spec<T extends TopicName>(topic: T): TopicSpec<T> {
  const source = schemaSources[topic];
  const route: Routing = routing[topic];
  return {
    topic,
    eventType: source.eventType,
    version: source.version,
    partitions: DEFAULT_PARTITIONS,
    key: 'aggregateId',
    producer: route.producer,
    consumers: route.consumers,
    ordering: route.ordering,
    config: TOPIC_CONFIG,
    subject: subjectName(topic),
    schema: source.schema,
    schemaFile: source.file,
  };
}

/** Every topic, in the order of the order's life. */
export const TOPICS: readonly TopicSpec[] = (Object.keys(routing) as TopicName[]).map((topic) => spec(topic));

const byName = new Map<string, TopicSpec>(TOPICS.map((t) => [t.topic, t]));

export function isTopicName(name: string): name is TopicName {
  return byName.has(name);
}

/** The catalogue entry of a topic; throws for a name that is not in the catalogue. */
export function topicSpec<T extends TopicName>(topic: T): TopicSpec<T>;
export function topicSpec(topic: string): TopicSpec;
export function topicSpec(topic: string): TopicSpec {
  const found = byName.get(topic);
  if (!found)
    throw new Error(`unknown topic "${topic}": not in the topic catalogue of @order-platform/contracts`);
  return found;
}

/**
 * The topics that carry an event type, oldest major version first: one, or during a
 * breaking change two (the producer publishes both until consumers have moved).
 */
export function topicsForEventType(eventType: string): TopicSpec[] {
  return TOPICS.filter((t) => t.eventType === eventType).sort((a, b) => a.version - b.version);
}

/** The topic of an event type and major version; throws when there is none. */
export function topicForEventType(eventType: string, version: number): TopicSpec {
  const found = topicsForEventType(eventType).find((t) => t.version === version);
  if (!found) throw new Error(`no topic carries ${eventType} v${version}`);
  return found;
}

export function topicsProducedBy(service: ServiceName): TopicSpec[] {
  return TOPICS.filter((t) => t.producer === service);
}

export function topicsConsumedBy(consumer: ConsumerName): TopicSpec[] {
  return TOPICS.filter((t) => t.consumers.includes(consumer));
}
