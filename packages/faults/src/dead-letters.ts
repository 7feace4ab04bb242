import { createKafka, deadLetterTopicName, failureHistoryOf } from '@order-platform/messaging';
import { TopicReader } from '@order-platform/messaging/testing';

/** The dead-letter topics' names end the way the runtime names them. */
const SUFFIX = deadLetterTopicName('', '').replace(/^\./, '');

/** Per dead-letter topic, per partition: the high watermark. */
export type DeadLetterMarks = Record<string, Record<number, number>>;

export interface DeadLetter {
  topic: string;
  /** The message's key: the order it is about. */
  key: string | null;
  /** The last error of its history, and in which round. */
  reason: string;
}

/** Where every dead-letter topic ends now. */
export async function deadLetterMarks(brokers: string[]): Promise<DeadLetterMarks> {
  const kafka = createKafka({ brokers, clientId: 'faults.dead-letters' });
  return kafka.withAdmin(async (admin) => {
    const marks: DeadLetterMarks = {};
    for (const topic of (await admin.listTopics()).filter((t) => t.endsWith(SUFFIX))) {
      marks[topic] = Object.fromEntries((await admin.offsets(topic)).map((p) => [p.partition, p.high]));
    }
    return marks;
  });
}

/** The last error of a dead letter's history (messaging's failure headers), and its round. */
function reasonOf(headers: Parameters<typeof failureHistoryOf>[0]): string {
  const final = failureHistoryOf(headers).at(-1);
  return final ? `${final.error} (round ${final.attempt})` : 'no error history';
}

/**
 * The dead letters written between two marks, with their keys and last errors. Reads each
 * grown partition read_committed from the start until it has reached the later mark. A
 * transaction's last record is followed by its commit marker, which a reader never sees: a
 * partition whose reader is one short of the mark is done once nothing more has come for 1.5 s.
 */
export async function deadLettersBetween(
  brokers: string[],
  before: DeadLetterMarks,
  after: DeadLetterMarks,
): Promise<DeadLetter[]> {
  const pending = new Map<string, number>();
  for (const [topic, partitions] of Object.entries(after)) {
    for (const [partition, high] of Object.entries(partitions)) {
      if (high > (before[topic]?.[Number(partition)] ?? 0)) pending.set(`${topic}/${partition}`, high);
    }
  }
  if (pending.size === 0) return [];
  const topics = [...new Set([...pending.keys()].map((k) => k.slice(0, k.lastIndexOf('/'))))];
  const kafka = createKafka({ brokers, clientId: 'faults.dead-letters' });
  const found: DeadLetter[] = [];
  const nearlyDone = new Set<string>();
  let lastMessageAt = Date.now();
  const reader = new TopicReader(kafka, topics, {
    keep: () => false,
    onRecord: ({ topic, partition, offset: at, key, headers }) => {
      const offset = Number(at);
      const mark = `${topic}/${partition}`;
      lastMessageAt = Date.now();
      if (offset >= (before[topic]?.[partition] ?? 0) && offset < (after[topic]?.[partition] ?? 0)) {
        found.push({ topic, key, reason: reasonOf(headers) });
      }
      const high = pending.get(mark);
      if (high !== undefined && offset >= high - 1) pending.delete(mark);
      else if (high !== undefined && offset >= high - 2) nearlyDone.add(mark);
    },
  });
  await reader.start();
  try {
    const deadline = Date.now() + 60_000;
    const quiet = () =>
      [...pending.keys()].every((k) => nearlyDone.has(k)) && Date.now() - lastMessageAt > 1_500;
    while (pending.size > 0 && !quiet()) {
      if (Date.now() > deadline)
        throw new Error(`could not read the dead letters of ${[...pending.keys()].join(', ')} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await reader.stop();
  }
  return found;
}
