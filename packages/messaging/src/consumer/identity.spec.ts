import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { defaultIdentity } from './identity';
import { isPermanent } from './errors';

const message = (headers: Record<string, string> = {}, key = 'order-1'): KafkaMessage => ({
  key: Buffer.from(key),
  value: null,
  headers,
  offset: '0',
  timestamp: '0',
  attributes: 0,
});

describe('defaultIdentity', () => {
  it('reads the platform identity fields, with occurredAt as epoch millis or Date', () => {
    const identity = defaultIdentity(
      { eventId: 'e1', aggregateId: 'a1', sequence: 3, occurredAt: 1_700_000_000_000 },
      message(),
    );
    expect(identity).toEqual({
      eventId: 'e1',
      aggregateId: 'a1',
      sequence: 3n,
      occurredAt: new Date(1_700_000_000_000),
    });
    const at = new Date();
    expect(
      defaultIdentity({ eventId: 'e1', aggregateId: 'a1', sequence: 1, occurredAt: at }, message())
        .occurredAt,
    ).toBe(at);
  });

  it('falls back to the id header and the key', () => {
    const identity = defaultIdentity(
      { sequence: 1, occurredAt: 1 },
      message({ id: 'from-header' }, 'the-key'),
    );
    expect(identity).toMatchObject({ eventId: 'from-header', aggregateId: 'the-key' });
  });

  it('rejects an event without a sequence or dispatch time as permanent', () => {
    expect(() => defaultIdentity({ eventId: 'e', aggregateId: 'a', occurredAt: 1 }, message())).toThrow(
      /sequence/,
    );
    try {
      defaultIdentity({ eventId: 'e', aggregateId: 'a', sequence: 1 }, message());
    } catch (error) {
      expect(isPermanent(error)).toBe(true);
    }
  });
});
