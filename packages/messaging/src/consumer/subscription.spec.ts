import { EventEmitter } from 'node:events';
import type { Kafka } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { Subscription } from './subscription';

/** Just enough of a KafkaJS consumer to make it crash on demand (the crash itself is KafkaJS's). */
class FakeConsumer extends EventEmitter {
  readonly events = { CRASH: 'crash', GROUP_JOIN: 'join', END_BATCH_PROCESS: 'end' };
  disconnected = false;
  connect = () => Promise.resolve();
  subscribe = () => Promise.resolve();
  run = () => Promise.resolve();
  disconnect = () => {
    this.disconnected = true;
    return Promise.resolve();
  };
  crash(restart: boolean): void {
    this.emit('crash', { payload: { error: new Error('broker gone'), groupId: 'g', restart } });
  }
}

function subscription() {
  const made: FakeConsumer[] = [];
  const kafka = {
    consumer: () => {
      const consumer = new FakeConsumer();
      made.push(consumer);
      return consumer;
    },
  } as unknown as Kafka;
  const sub = new Subscription({
    kafka,
    config: { groupId: 'g' },
    topics: ['t'],
    fromBeginning: true,
    partitionsConsumedConcurrently: 1,
    eachBatch: () => Promise.resolve(),
  });
  return { sub, made };
}

describe('Subscription', () => {
  it('makes a new consumer after a crash KafkaJS will not restart, and says so meanwhile', async () => {
    const { sub, made } = subscription();
    await sub.start();
    expect(sub.state).toEqual({ status: 'running' });
    made[0]!.crash(false);
    expect(sub.state).toMatchObject({ status: 'restarting', attempt: 1, reason: 'broker gone' });
    await vi.waitFor(() => expect(made).toHaveLength(2), { timeout: 5_000 });
    await vi.waitFor(() => expect(sub.state).toEqual({ status: 'running' }));
    expect(made[0]!.disconnected).toBe(true);
    await sub.stop();
  });

  it('leaves a crash KafkaJS restarts itself to KafkaJS', async () => {
    const { sub, made } = subscription();
    await sub.start();
    made[0]!.crash(true);
    expect(sub.state).toMatchObject({ status: 'restarting', reason: 'broker gone' });
    made[0]!.emit('join', {});
    expect(sub.state).toEqual({ status: 'running' });
    expect(made).toHaveLength(1);
    await sub.stop();
  });

  it('does not restart once stopped', async () => {
    const { sub, made } = subscription();
    await sub.start();
    await sub.stop();
    made[0]!.crash(false);
    expect(sub.state).toEqual({ status: 'stopped' });
    expect(made).toHaveLength(1);
  });
});
