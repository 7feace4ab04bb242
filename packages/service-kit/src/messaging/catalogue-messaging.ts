import { type EventOf, type TopicName, topicSpec } from '@order-platform/contracts';
import type { HandlerContext, OutboxEvent, TopicHandler } from '@order-platform/messaging';

// Where the catalogue (contracts) meets the messaging runtime: contracts knows no Kafka and
// messaging no catalogue, so the typed glue between them lives here, once.

/**
 * The outbox row of an event on a catalogue topic: the topic's subject and schema, the
 * order id as key, the event's own id and type. Services write events only through this,
 * so a row can never name a topic, subject or schema the catalogue does not have.
 */
export function outboxEvent<T extends TopicName>(topic: T, event: EventOf<T>): OutboxEvent {
  const spec = topicSpec(topic);
  const { eventId, eventType, aggregateId } = event as unknown as {
    eventId: string;
    eventType: string;
    aggregateId: string;
  };
  if (eventType !== spec.eventType) {
    throw new Error(`${topic} carries ${spec.eventType} events, not ${eventType}`);
  }
  return {
    topic,
    subject: spec.subject,
    schema: spec.schema,
    key: aggregateId,
    eventType,
    eventId,
    aggregateType: 'order',
    value: event,
  };
}

/** A consumer's handler for a catalogue topic, with the topic's ordering rule and the event typed. */
export function topicHandler<T extends TopicName>(
  topic: T,
  handle: (context: HandlerContext<EventOf<T>>) => Promise<void>,
): TopicHandler<never> {
  return {
    topic,
    ordering: topicSpec(topic).ordering,
    handle,
  };
}
