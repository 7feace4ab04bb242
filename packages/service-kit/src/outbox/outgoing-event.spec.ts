import { describe, expect, it } from 'vitest';
import { outgoingEvent } from './outgoing-event';

describe('outgoingEvent', () => {
  it('keys the event by the order, sequences it by its version and carries the cause', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const row = outgoingEvent(
      'payment.payment-processed.v1',
      { orderId: '7d3c9b6e-0d8f-4d5e-9a51-2f7b8c1e4a10', version: 3 },
      { correlationId: 'flow-1', causationId: 'event-1' },
      { paymentId: 'pay-1', amountMinor: 1250, currency: 'EUR', providerReference: 'ref-1' },
      at,
    );
    expect(row).toMatchObject({
      topic: 'payment.payment-processed.v1',
      key: '7d3c9b6e-0d8f-4d5e-9a51-2f7b8c1e4a10',
      eventType: 'PaymentProcessed',
      value: {
        eventType: 'PaymentProcessed',
        occurredAt: at.getTime(),
        aggregateId: '7d3c9b6e-0d8f-4d5e-9a51-2f7b8c1e4a10',
        sequence: 3,
        correlationId: 'flow-1',
        causationId: 'event-1',
        paymentId: 'pay-1',
        amountMinor: 1250,
      },
    });
    expect(row.eventId).toBe((row.value as { eventId: string }).eventId);
  });
});
