import { createKafka, FAILURE_HEADERS, type FailureRecord } from '@order-platform/messaging';
import { TopicWriter } from '@order-platform/messaging/testing';
import { uniqueName, useStack } from '@order-platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterMarks, deadLettersBetween } from '../src/dead-letters';

const history = (error: string, attempt: number): string =>
  JSON.stringify([
    { error: 'first try', attempt: 0 },
    { error, attempt },
  ] as Partial<FailureRecord>[]);

/**
 * What the fault suite's dead-letters check reads, against the shared stack's Kafka: only the
 * messages written between two marks, each with its key and the last error of its history,
 * whether a transaction (as the runtime writes them) or a plain producer wrote it.
 */
describe('the dead letters between two marks', () => {
  const stack = useStack();
  const kafka = createKafka({ brokers: stack.kafkaBrokers, clientId: 'faults.test' });
  const topic = `${uniqueName('faults_test')}.t.dlq`;
  const plain = new TopicWriter(kafka);
  const transactional = new TopicWriter(kafka, { transactionalId: uniqueName('faults_test') });

  beforeAll(async () => {
    await kafka.withAdmin((admin) => admin.ensureTopics([{ topic, partitions: 2 }]));
  });

  afterAll(async () => {
    await Promise.all([plain.close(), transactional.close()]);
    await kafka.withAdmin((admin) => admin.deleteTopics([topic]));
  });

  it('reads what was written between them, with the last errors', async () => {
    const header = (error: string, attempt: number) => ({
      [FAILURE_HEADERS.history]: history(error, attempt),
    });
    await plain.send(topic, [
      { key: 'earlier', value: Buffer.from('x'), partition: 0, headers: header('old', 3) },
    ]);
    const before = await deadLetterMarks(stack.kafkaBrokers);
    expect(before[topic]).toEqual({ 0: 1, 1: 0 });

    await transactional.send(topic, [
      { key: 'a', value: Buffer.from('x'), partition: 0, headers: header('order a is not known', 3) },
      { key: 'b', value: Buffer.from('x'), partition: 1, headers: header('order b is not known', 3) },
    ]);
    await plain.send(topic, [{ key: 'c', value: Buffer.from('x'), partition: 1 }]);
    const after = await deadLetterMarks(stack.kafkaBrokers);

    const letters = await deadLettersBetween(stack.kafkaBrokers, before, after);
    expect(letters.sort((x, y) => (x.key ?? '').localeCompare(y.key ?? ''))).toEqual([
      { topic, key: 'a', reason: 'order a is not known (round 3)' },
      { topic, key: 'b', reason: 'order b is not known (round 3)' },
      { topic, key: 'c', reason: 'no error history' },
    ]);
    expect(await deadLettersBetween(stack.kafkaBrokers, after, after)).toEqual([]);
  });
});
