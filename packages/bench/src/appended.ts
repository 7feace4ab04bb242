import { TOPICS } from '@order-platform/contracts';
import type { KafkaClient } from '@order-platform/messaging';
import { TopicReader } from '@order-platform/messaging/testing';

/**
 * When the broker appended each of the orders' records (LogAppendTime, the catalogue's
 * topic setting), by event id: read after the load, as a read_committed consumer of every
 * catalogue topic, keeping only the orders' records. Waits until `expected` event ids were
 * seen or `timeoutMs` passed, and returns what it has.
 */
export async function appendTimes(
  kafka: KafkaClient,
  orderIds: ReadonlySet<string>,
  expected: number,
  timeoutMs = 60_000,
): Promise<Map<string, number>> {
  const appended = new Map<string, number>();
  const reader = new TopicReader(
    kafka,
    TOPICS.map((t) => t.topic),
    {
      keep: () => false,
      onRecord: (record) => {
        const id = record.headers.id;
        if (record.key !== null && orderIds.has(record.key) && id) appended.set(id, record.timestamp);
      },
    },
  );
  await reader.start();
  const deadline = Date.now() + timeoutMs;
  try {
    while (appended.size < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  } finally {
    await reader.stop();
  }
  return appended;
}
