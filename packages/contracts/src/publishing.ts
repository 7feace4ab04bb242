import { randomUUID } from 'node:crypto';
import type { OutboxEvent, TopicHandler, HandlerContext } from '@order-platform/messaging';
import { type EventOf, type TopicName, topicSpec } from './catalogue';

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

/** The fields every event carries (schemas/README.md). */
export interface Envelope {
  eventId: string;
  eventType: string;
  occurredAt: number;
  aggregateId: string;
  sequence: number;
  correlationId: string;
  causationId: string;
}

/**
 * The envelope of a new event on `topic`: a fresh event id, the topic's event type, and the
 * dispatch time (now: the producer writes the event in the transaction that commits it).
 * `sequence` is the order's version in the producing service, incremented in that same
 * transaction; `causationId` is the id of the consumed event (or command) that caused it.
 */
export function newEnvelope(
  topic: TopicName,
  ids: { aggregateId: string; sequence: number; correlationId: string; causationId: string },
  now: Date = new Date(),
): Envelope {
  return { eventId: randomUUID(), eventType: topicSpec(topic).eventType, occurredAt: now.getTime(), ...ids };
}
