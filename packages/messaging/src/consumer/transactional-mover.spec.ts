import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { TransactionalMover, type MoveRequest } from './transactional-mover';

interface FakeTransaction {
  send(): Promise<void>;
  sendOffsets(): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

/** A KafkaJS stand-in whose producers fail as scripted, to check the recovery paths. */
function fakeKafka(script: {
  transaction?: (n: number) => void;
  send?: (n: number) => void;
  abort?: (n: number) => void;
}) {
  const log: string[] = [];
  let producers = 0;
  let transactions = 0;
  const kafka = {
    producer: () => {
      const id = ++producers;
      return {
        connect: () => Promise.resolve(log.push(`connect ${id}`)).then(() => undefined),
        disconnect: () => Promise.resolve(log.push(`disconnect ${id}`)).then(() => undefined),
        transaction: async (): Promise<FakeTransaction> => {
          const n = ++transactions;
          await Promise.resolve(script.transaction?.(n));
          const step = (name: string, fail?: (n: number) => void) => async () => {
            log.push(`${name} ${n}`);
            await Promise.resolve(fail?.(n));
          };
          return {
            send: step('send', script.send),
            sendOffsets: step('sendOffsets'),
            commit: step('commit'),
            abort: step('abort', script.abort),
          };
        },
      };
    },
  } as unknown as Kafka;
  return { kafka, log };
}

const request: MoveRequest = {
  target: 'g.t.retry.1',
  key: 'k',
  value: Buffer.from('v'),
  headers: {},
  source: { groupId: 'g', topic: 't', partition: 0, nextOffset: '8' },
};

describe('TransactionalMover', () => {
  const fail = (message: string) => (n: number) => {
    if (n === 1) throw new Error(message);
  };

  it.each<{ what: string; script: Parameters<typeof fakeKafka>[0]; log: string[] }>([
    {
      what: 'aborts a failed transaction and retries it on the same producer when the failure is CONCURRENT_TRANSACTIONS',
      script: { send: fail('CONCURRENT_TRANSACTIONS') },
      log: ['connect 1', 'send 1', 'abort 1', 'send 2', 'sendOffsets 2', 'commit 2'],
    },
    {
      what: 'throws away a producer whose abort fails, and goes on with a new one',
      script: {
        send: fail('broker went away'),
        abort: () => {
          throw new Error('cannot abort');
        },
      },
      log: [
        'connect 1',
        'send 1',
        'abort 1',
        'disconnect 1',
        'connect 2',
        'send 2',
        'sendOffsets 2',
        'commit 2',
      ],
    },
    {
      what: 'recreates a producer stuck in an ongoing transaction',
      script: { transaction: fail('There is already an ongoing transaction for this producer') },
      log: ['connect 1', 'disconnect 1', 'connect 2', 'send 2', 'sendOffsets 2', 'commit 2'],
    },
  ])('$what', async ({ script, log: expected }) => {
    const { kafka, log } = fakeKafka(script);
    await new TransactionalMover(kafka).move(request);
    expect(log).toEqual(expected);
  });

  it('refuses to move a record of a partition it no longer owns', async () => {
    const { kafka, log } = fakeKafka({});
    await expect(new TransactionalMover(kafka).move(request, () => false)).rejects.toThrow(
      /no longer assigned/,
    );
    expect(log).toEqual([]);
  });
});
