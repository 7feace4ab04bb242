import { type EventEnvelope, type EventOf, newEnvelope, type TopicName } from '@order-platform/contracts';
import type { OutboxEvent } from '@order-platform/messaging';
import { outboxEvent } from '../messaging/catalogue-messaging';

/** What an event on `T` carries beyond its envelope. */
export type EventFields<T extends TopicName> = Omit<EventOf<T>, keyof EventEnvelope>;

/** The order an outgoing event is about, at the version the change that emits it gave it. */
export interface EventSubject {
  readonly orderId: string;
  readonly version: number;
}

/** The flow an outgoing event belongs to and what caused it (schemas/README.md). */
export interface EventCause {
  readonly correlationId: string;
  readonly causationId: string;
}

/**
 * The one way a service builds an event to write to its outbox: the envelope (a fresh id,
 * the topic's event type, the dispatch time) with the order's id and version as its key
 * and sequence, the cause's correlation and causation ids, then the event's own fields.
 */
export function outgoingEvent<T extends TopicName>(
  topic: T,
  subject: EventSubject,
  cause: EventCause,
  fields: EventFields<T>,
  now?: Date,
): OutboxEvent {
  const envelope = newEnvelope(
    topic,
    {
      aggregateId: subject.orderId,
      sequence: subject.version,
      correlationId: cause.correlationId,
      causationId: cause.causationId,
    },
    now,
  );
  return outboxEvent(topic, { ...envelope, ...fields } as EventOf<T>);
}
