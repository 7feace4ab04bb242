import type { IHeaders } from 'kafkajs';

/** Headers the runner adds when it parks a message in a retry or dead-letter topic. */
export const HEADERS = {
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  /** How many delivery rounds (the original one and each retry topic) have failed. */
  attempt: 'x-attempt',
  /** Epoch milliseconds before which a retry-topic message must not be handled. */
  dueAt: 'x-due-at',
  /** JSON array of every failed attempt: FailureRecord[]. */
  history: 'x-error-history',
  /** JSON array of every time the message was redriven from a dead-letter topic: RedriveRecord[]. */
  redriveHistory: 'x-redrive-history',
} as const;

export interface FailureRecord {
  time: string;
  error: string;
  stack?: string;
  consumerGroup: string;
  topic: string;
  partition: number;
  offset: string;
  /** Delivery round (0 = from the original topic, n = from retry topic n). */
  attempt: number;
  /** Tries within the round (in-process retries). */
  tries: number;
}

export function retryTopicName(group: string, topic: string, level: number): string {
  return `${group}.${topic}.retry.${level}`;
}

export function deadLetterTopicName(group: string, topic: string): string {
  return `${group}.${topic}.dlq`;
}

export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

export function historyOf(headers: IHeaders | undefined): FailureRecord[] {
  return jsonListHeader<FailureRecord>(headers, HEADERS.history);
}

/** A header holding a JSON array (a history); missing or unreadable, an empty one. */
export function jsonListHeader<T>(headers: IHeaders | undefined, name: string): T[] {
  const text = headerText(headers, name);
  if (!text) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? (parsed as T[]) : [];
  } catch {
    return [];
  }
}

/** Copies a message's headers as Buffers/strings KafkaJS can send again. */
export function copyHeaders(headers: IHeaders | undefined): IHeaders {
  const out: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined) out[name] = value;
  }
  return out;
}

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * How long a retry topic keeps its records: well past its delay (a record parked there
 * must still exist when it is due, even after the group was stopped a while), and never
 * less than a week.
 */
export function retryTopicRetentionMs(delayMs: number): number {
  return Math.max(WEEK_MS, 10 * delayMs);
}
