import { describe, expect, it } from 'vitest';
import {
  deadLetterTopicName,
  HEADERS,
  historyOf,
  retryTopicName,
  retryTopicRetentionMs,
} from './failure-topics';

describe('failure topics', () => {
  it('names retry and dead-letter topics after the group and the original topic', () => {
    expect(retryTopicName('order.reserve-stock', 'basket.order-requested.v1', 2)).toBe(
      'order.reserve-stock.basket.order-requested.v1.retry.2',
    );
    expect(deadLetterTopicName('order.reserve-stock', 'basket.order-requested.v1')).toBe(
      'order.reserve-stock.basket.order-requested.v1.dlq',
    );
  });

  it('reads the history header, and an unreadable one as empty', () => {
    expect(historyOf({ [HEADERS.history]: Buffer.from('[{"error":"x"}]') })).toEqual([{ error: 'x' }]);
    expect(historyOf({ [HEADERS.history]: 'not json' })).toEqual([]);
    expect(historyOf(undefined)).toEqual([]);
  });

  it('keeps the records of a retry topic well past its delay, and at least a week', () => {
    const week = 7 * 24 * 60 * 60 * 1000;
    expect(retryTopicRetentionMs(5_000)).toBe(week);
    expect(retryTopicRetentionMs(week)).toBe(10 * week);
  });
});
