import { randomUUID } from 'node:crypto';
import { type EventEnvelope, type TopicName, topicSpec } from './catalogue';

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
): EventEnvelope {
  return { eventId: randomUUID(), eventType: topicSpec(topic).eventType, occurredAt: now.getTime(), ...ids };
}
