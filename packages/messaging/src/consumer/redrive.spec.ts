import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { HEADERS } from './failure-topics';
import { redrivenHeaders } from './redrive';

const deadLetter = (headers: KafkaMessage['headers']): KafkaMessage =>
  ({ key: Buffer.from('order-1'), value: Buffer.from('v'), offset: '7', headers }) as KafkaMessage;

describe('redrivenHeaders', () => {
  it('keeps every header and the error history, makes the message due now in retry round 1, and records the redrive', () => {
    const history = JSON.stringify([{ error: 'boom', attempt: 1 }]);
    const before = Date.now();
    const headers = redrivenHeaders(
      deadLetter({
        [HEADERS.history]: history,
        [HEADERS.originalTopic]: 'order.order-confirmed.v1',
        [HEADERS.attempt]: '4',
        traceparent: 'tp',
      }),
      'g.order.order-confirmed.v1.dlq',
      2,
    );
    expect(headers[HEADERS.history]).toBe(history);
    expect(headers[HEADERS.originalTopic]).toBe('order.order-confirmed.v1');
    expect(headers.traceparent).toBe('tp');
    expect(headers[HEADERS.attempt]).toBe('1');
    const due = Number(headers[HEADERS.dueAt]);
    expect(due).toBeGreaterThanOrEqual(before);
    expect(due).toBeLessThanOrEqual(Date.now());
    const [record, ...more] = JSON.parse(String(headers[HEADERS.redriveHistory])) as Record<
      string,
      unknown
    >[];
    expect(more).toEqual([]);
    expect(record).toMatchObject({
      deadLetterTopic: 'g.order.order-confirmed.v1.dlq',
      partition: 2,
      offset: '7',
    });
    expect(Number.isNaN(Date.parse(String(record?.time)))).toBe(false);
  });

  it('appends to the redrive history of a message redriven before', () => {
    const first = { time: 't0', deadLetterTopic: 'd', partition: 0, offset: '1' };
    const headers = redrivenHeaders(
      deadLetter({ [HEADERS.redriveHistory]: JSON.stringify([first]) }),
      'd',
      1,
    );
    const records = JSON.parse(String(headers[HEADERS.redriveHistory])) as unknown[];
    expect(records).toHaveLength(2);
    expect(records[0]).toEqual(first);
  });
});
