import { createKafka, deadLetterTopicName, failureHistoryOf } from '@order-platform/messaging';

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
  const admin = createKafka({ brokers, clientId: 'faults.dead-letters' }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.endsWith(SUFFIX));
    const marks: DeadLetterMarks = {};
    for (const topic of topics) {
      marks[topic] = {};
      for (const p of await admin.fetchTopicOffsets(topic)) marks[topic][p.partition] = Number(p.high);
    }
    return marks;
  } finally {
    await admin.disconnect();
  }
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
  const consumer = kafka.consumer({ groupId: `faults.dead-letters.${process.pid}.${Date.now()}` });
  const found: DeadLetter[] = [];
  const nearlyDone = new Set<string>();
  let lastMessageAt = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const offset = Number(message.offset);
        const key = `${topic}/${partition}`;
        lastMessageAt = Date.now();
        if (offset >= (before[topic]?.[partition] ?? 0) && offset < (after[topic]?.[partition] ?? 0)) {
          found.push({ topic, key: message.key?.toString() ?? null, reason: reasonOf(message.headers) });
        }
        const high = pending.get(key);
        if (high !== undefined && offset >= high - 1) pending.delete(key);
        else if (high !== undefined && offset >= high - 2) nearlyDone.add(key);
        return Promise.resolve();
      },
    });
    const deadline = Date.now() + 60_000;
    const quiet = () =>
      [...pending.keys()].every((k) => nearlyDone.has(k)) && Date.now() - lastMessageAt > 1_500;
    while (pending.size > 0 && !quiet()) {
      if (Date.now() > deadline)
        throw new Error(`could not read the dead letters of ${[...pending.keys()].join(', ')} within 60 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await consumer.disconnect();
  }
  return found;
}
