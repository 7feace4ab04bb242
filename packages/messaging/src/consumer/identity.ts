import type { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import type { KafkaMessage } from 'kafkajs';
import { classifyDecodeError, PermanentError } from './errors';
import { headerText } from './failure-topics';
import type { ConsumedMessage, MessageIdentity } from './types';

function toDate(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  if (typeof value === 'string' && value.length > 0) return new Date(value);
  return undefined;
}

/** Reads a message's identity from its event's envelope; a message without one cannot be handled safely. */
export function defaultIdentity(event: unknown, message: KafkaMessage): MessageIdentity {
  const record = (typeof event === 'object' && event !== null ? event : {}) as Record<string, unknown>;
  const eventId = typeof record.eventId === 'string' ? record.eventId : headerText(message.headers, 'id');
  const aggregateId = typeof record.aggregateId === 'string' ? record.aggregateId : message.key?.toString();
  const occurredAt = toDate(record.occurredAt);
  const sequence = record.sequence;
  if (!eventId || !aggregateId || !occurredAt || Number.isNaN(occurredAt.getTime())) {
    throw new PermanentError('event lacks eventId, aggregateId or occurredAt');
  }
  if (typeof sequence !== 'number' && typeof sequence !== 'bigint')
    throw new PermanentError('event lacks a sequence');
  return { eventId, aggregateId, sequence: BigInt(sequence), occurredAt };
}

export interface Decoded {
  message: KafkaMessage;
  consumed: ConsumedMessage;
  event: unknown;
  identity: MessageIdentity;
}

export function consumedMessage(topic: string, partition: number, message: KafkaMessage): ConsumedMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    headers: message.headers ?? {},
  };
}

/**
 * Decodes a record through the registry and reads its identity. Bytes that cannot be
 * decoded are a PermanentError; the registry being unreachable a DependencyUnavailableError.
 */
export async function decodeMessage(
  registry: SchemaRegistry,
  identify: (event: unknown, message: KafkaMessage) => MessageIdentity,
  topic: string,
  partition: number,
  message: KafkaMessage,
): Promise<Decoded> {
  if (!message.value) throw new PermanentError('message has no value');
  let event: unknown;
  try {
    event = await registry.decode(message.value);
  } catch (error) {
    throw classifyDecodeError(error);
  }
  return {
    message,
    consumed: consumedMessage(topic, partition, message),
    event,
    identity: identify(event, message),
  };
}
