import type { KafkaMessage } from 'kafkajs';
import type { MessagingLogger } from '../kafka-client';
import { errorText } from './errors';
import {
  copyHeaders,
  deadLetterTopicName,
  HEADERS,
  historyOf,
  retryTopicName,
  type FailureRecord,
} from './failure-topics';
import type { FailureRoute } from './failure-routing';
import type { TransactionalMover } from './transactional-mover';

export interface ParkRequest {
  groupId: string;
  /** The declared topic (a retry topic's original). */
  declaredTopic: string;
  /** The topic the record was read from. */
  topic: string;
  partition: number;
  message: KafkaMessage;
  level: number;
  error: unknown;
  tries: number;
  route: Extract<FailureRoute, { kind: 'retry-topic' | 'dead-letter' }>;
}

/**
 * Moves a failed record to its retry topic or the dead-letter topic, with its history
 * header, atomically with the consumer offset (TransactionalMover).
 */
export async function parkFailed(
  mover: TransactionalMover,
  request: ParkRequest,
  live: () => boolean,
  logger?: MessagingLogger,
): Promise<void> {
  const { groupId, topic, partition, message, route } = request;
  const record: FailureRecord = {
    time: new Date().toISOString(),
    ...errorText(request.error),
    consumerGroup: groupId,
    topic,
    partition,
    offset: message.offset,
    attempt: request.level,
    tries: request.tries,
  };
  const headers = copyHeaders(message.headers);
  headers[HEADERS.history] = JSON.stringify([...historyOf(message.headers), record]);
  if (request.level === 0) {
    headers[HEADERS.originalTopic] = topic;
    headers[HEADERS.originalPartition] = String(partition);
    headers[HEADERS.originalOffset] = message.offset;
  }
  headers[HEADERS.attempt] = String(request.level + 1);
  let target: string;
  if (route.kind === 'retry-topic') {
    target = retryTopicName(groupId, request.declaredTopic, route.level);
    headers[HEADERS.dueAt] = String(Date.now() + route.delayMs);
  } else {
    target = deadLetterTopicName(groupId, request.declaredTopic);
    delete headers[HEADERS.dueAt];
  }
  logger?.warn(
    { ...record, stack: undefined, target },
    route.kind === 'retry-topic' ? 'message parked in a retry topic' : 'message dead-lettered',
  );
  await mover.move(
    {
      target,
      key: message.key,
      value: message.value,
      headers,
      source: { groupId, topic, partition, nextOffset: (BigInt(message.offset) + 1n).toString() },
    },
    live,
  );
}
