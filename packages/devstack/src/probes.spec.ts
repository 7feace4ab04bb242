import { describe, expect, it } from 'vitest';
import { kafkaBrokerCount, kafkaMetadataRequest } from './probes';
import { kafkaClusterId } from './components/java';

describe('the Kafka readiness probe', () => {
  it('asks for Metadata v1 with no topics, size-prefixed', () => {
    const request = kafkaMetadataRequest(7);
    expect(request.readInt32BE(0)).toBe(request.length - 4);
    expect(request.readInt16BE(4)).toBe(3); // api key: Metadata
    expect(request.readInt16BE(6)).toBe(1); // version 1
    expect(request.readInt32BE(8)).toBe(7);
    expect(request.readInt32BE(request.length - 4)).toBe(0); // an empty topic array
  });

  it('reads the broker count, and refuses another correlation id', () => {
    const response = Buffer.alloc(12);
    response.writeInt32BE(8, 0);
    response.writeInt32BE(7, 4);
    response.writeInt32BE(1, 8);
    expect(kafkaBrokerCount(response, 7)).toBe(1);
    expect(kafkaBrokerCount(response, 8)).toBeUndefined();
    expect(kafkaBrokerCount(Buffer.alloc(4), 7)).toBeUndefined();
  });
});

describe('the KRaft cluster id', () => {
  it('is URL-safe base64 without padding, never starting with "-"', () => {
    const bytes = [Buffer.from([0xfb, ...Array<number>(15).fill(1)]), Buffer.alloc(16, 7)];
    const id = kafkaClusterId(() => bytes.shift()!);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
