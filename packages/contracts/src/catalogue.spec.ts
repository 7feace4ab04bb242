import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PARTITIONS,
  TOPICS,
  isTopicName,
  subjectName,
  topicForEventType,
  topicSpec,
  topicsConsumedBy,
  topicsForEventType,
  topicsProducedBy,
  type ConsumerName,
} from './catalogue';
import { schemaSources } from './generated';

const TOPIC_NAME = /^(basket|order|payment|shipping|email)\.([a-z]+(?:-[a-z]+)*)\.v([1-9][0-9]*)$/;

describe('topic catalogue', () => {
  it('has one entry per schema under schemas/, and a schema for every entry', () => {
    expect(TOPICS.map((t) => t.topic).sort()).toEqual(Object.keys(schemaSources).sort());
    for (const t of TOPICS) {
      expect(t.schema, t.topic).toBe(schemaSources[t.topic].schema);
      expect(t.schemaFile).toBe(`schemas/${t.topic.replace(/^([a-z]+)\./, '$1/')}.avsc`);
    }
  });

  it.each(TOPICS)(
    '$topic: <context>.<event>.v<n>, produced by its context, keyed by order id, on several partitions',
    (t) => {
      const match = TOPIC_NAME.exec(t.topic);
      expect(match, t.topic).not.toBeNull();
      const [, context, event, major] = match!;
      expect(t.producer).toBe(context);
      expect(t.version).toBe(Number(major));
      expect(t.eventType).toBe(event!.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase()));
      expect(t.key).toBe('aggregateId');
      expect(t.partitions).toBeGreaterThan(1);
      expect(t.subject).toBe(`${t.topic}-value`);
      expect(t.config['retention.ms']).toBe('-1');
      expect(t.config['message.timestamp.type']).toBe('LogAppendTime');
    },
  );

  it.each(TOPICS)('$topic: read by the projector and by no one twice, never by its own producer', (t) => {
    expect(t.consumers).toContain('views');
    expect(new Set(t.consumers).size).toBe(t.consumers.length);
    expect(t.consumers).not.toContain(t.producer);
    expect(t.ordering).toBe('cumulative');
  });

  it('routes events as the architecture draws them', () => {
    const consumed = (c: ConsumerName) =>
      topicsConsumedBy(c)
        .map((t) => t.eventType)
        .sort();
    expect(consumed('order')).toEqual([
      'OrderDelivered',
      'OrderRequested',
      'PaymentFailed',
      'PaymentProcessed',
      'ShipmentStatusChanged',
    ]);
    expect(consumed('payment')).toEqual(['OrderValidated']);
    expect(consumed('shipping')).toEqual(['OrderConfirmed']);
    expect(consumed('email')).toEqual([
      'OrderCancelled',
      'OrderCompleted',
      'OrderConfirmed',
      'OrderRejected',
    ]);
    expect(consumed('basket')).toEqual([]);
    expect(topicsConsumedBy('views')).toHaveLength(TOPICS.length);
    expect(
      topicsProducedBy('order')
        .map((t) => t.eventType)
        .sort(),
    ).toEqual(['OrderCancelled', 'OrderCompleted', 'OrderConfirmed', 'OrderRejected', 'OrderValidated']);
  });

  it('looks topics up by name and by event type', () => {
    expect(topicSpec('order.order-confirmed.v1').eventType).toBe('OrderConfirmed');
    expect(() => topicSpec('order.order-confirmed.v9')).toThrow(/unknown topic "order.order-confirmed.v9"/);
    expect(isTopicName('shipping.shipment-status-changed.v1')).toBe(true);
    expect(isTopicName('shipping.shipment-status-changed')).toBe(false);
    expect(topicsForEventType('OrderRequested').map((t) => t.topic)).toEqual(['basket.order-requested.v1']);
    expect(topicsForEventType('NoSuchEvent')).toEqual([]);
    expect(topicForEventType('ShipmentStatusChanged', 1).topic).toBe('shipping.shipment-status-changed.v1');
    expect(() => topicForEventType('OrderRequested', 2)).toThrow(/no topic carries OrderRequested v2/);
    expect(subjectName('order.order-confirmed.v1')).toBe('order.order-confirmed.v1-value');
    expect(DEFAULT_PARTITIONS).toBeGreaterThan(1);
  });
});
