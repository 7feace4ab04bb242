import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { defaultEnvelope } from './envelope';
import { isPermanent } from './errors';

const message = (headers: Record<string, string> = {}, key = 'order-1'): KafkaMessage => ({
  key: Buffer.from(key),
  value: null,
  headers,
  offset: '0',
  timestamp: '0',
  attributes: 0,
});

describe('defaultEnvelope', () => {
  it('reads the platform envelope fields, with occurredAt as epoch millis or Date', () => {
    const envelope = defaultEnvelope(
      { eventId: 'e1', aggregateId: 'a1', sequence: 3, occurredAt: 1_700_000_000_000 },
      message(),
    );
    expect(envelope).toEqual({
      eventId: 'e1',
      aggregateId: 'a1',
      sequence: 3n,
      occurredAt: new Date(1_700_000_000_000),
    });
    const at = new Date();
    expect(
      defaultEnvelope({ eventId: 'e1', aggregateId: 'a1', sequence: 1, occurredAt: at }, message())
        .occurredAt,
    ).toBe(at);
  });

  it('falls back to the id header and the key', () => {
    const envelope = defaultEnvelope(
      { sequence: 1, occurredAt: 1 },
      message({ id: 'from-header' }, 'the-key'),
    );
    expect(envelope).toMatchObject({ eventId: 'from-header', aggregateId: 'the-key' });
  });

  it('rejects an event without a sequence or dispatch time as permanent', () => {
    expect(() => defaultEnvelope({ eventId: 'e', aggregateId: 'a', occurredAt: 1 }, message())).toThrow(
      /sequence/,
    );
    try {
      defaultEnvelope({ eventId: 'e', aggregateId: 'a', sequence: 1 }, message());
    } catch (error) {
      expect(isPermanent(error)).toBe(true);
    }
  });
});
