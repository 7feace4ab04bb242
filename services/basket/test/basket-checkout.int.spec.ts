import { randomUUID } from 'node:crypto';
import { topicSpec } from '@order-platform/contracts';
import { describe, expect, it } from 'vitest';
import { TOPIC, useBasketService } from './basket.fixture';

/**
 * The basket's checkout as a built process on the real stack: idempotency, and the
 * OrderRequested a checkout sends through the outbox and Debezium to its topic.
 */
describe('basket service: checkout', () => {
  const { admin, seen, call, aBasketWith, checkOut, eventsOf, count } = useBasketService();

  it('requires the Idempotency-Key header (400) and refuses an empty basket (422)', async () => {
    const missing = await checkOut(await aBasketWith({ 'SKU-TEA-001': 1 }), undefined);
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/Idempotency-Key/);
    const empty = await checkOut(await aBasketWith({}), randomUUID());
    expect(empty.status).toBe(422);
    expect(empty.body.message).toMatch(/empty/);
  });

  it('checks out once: the same key replays the order, another key or a change is refused with 409', async () => {
    const basketId = await aBasketWith({ 'SKU-POT-003': 1 });
    const key = randomUUID();
    const first = await checkOut(basketId, key);
    expect(first.status).toBe(202);
    const orderId = first.body.orderId as string;
    expect(orderId).toMatch(/^[0-9a-f-]{36}$/);

    expect(await checkOut(basketId, key)).toEqual({ status: 202, body: { orderId } });
    expect((await checkOut(basketId, randomUUID())).status).toBe(409);
    expect((await call('PUT', `/baskets/${basketId}/items/SKU-POT-003`, { quantity: 2 })).status).toBe(409);
    // The key belongs to this basket's checkout: another basket cannot reuse it.
    expect((await checkOut(await aBasketWith({ 'SKU-MUG-002': 1 }), key)).status).toBe(409);

    const basket = await call('GET', `/baskets/${basketId}`);
    expect(basket.body).toMatchObject({ status: 'checked-out', checkout: { orderId } });
    expect(await count('select count(*) as n from basket.checkouts where basket_id = $1', [basketId])).toBe(
      1,
    );
    expect(await count('select count(*) as n from basket.outbox where aggregateid = $1', [orderId])).toBe(1);
  });

  it('makes one order of 10 concurrent checkouts with the same key', async () => {
    const basketId = await aBasketWith({ 'SKU-BEAN-005': 2 });
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 10 }, () => checkOut(basketId, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    const orderIds = new Set(answers.map((a) => a.body.orderId));
    expect(orderIds.size).toBe(1);
    const [orderId] = [...orderIds] as string[];
    expect(await count('select count(*) as n from basket.checkouts where basket_id = $1', [basketId])).toBe(
      1,
    );
    expect(await count('select count(*) as n from basket.outbox where aggregateid = $1', [orderId])).toBe(1);
    const { events } = await eventsOf(orderId!, 1);
    expect(events).toHaveLength(1);
  });

  it('sends OrderRequested through the outbox and Debezium: key = order id, every field from the checkout', async () => {
    const customerId = `customer-${randomUUID()}`;
    const opened = await call('POST', '/baskets', { customerId });
    const basketId = opened.body.basketId as string;
    await call('PUT', `/baskets/${basketId}/items/SKU-TEA-001`, { quantity: 2 });
    await call('PUT', `/baskets/${basketId}/items/SKU-RARE-012`, { quantity: 1 });
    const key = `checkout-${randomUUID()}`;
    const before = Date.now();
    const answer = await checkOut(basketId, key, {
      paymentToken: 'tok_ok',
      email: 'grace@example.com',
      shippingAddress: {
        name: 'Grace Hopper',
        line1: 'Unter den Linden 1',
        postalCode: '10117',
        city: 'Berlin',
        region: 'Berlin',
        country: 'DE',
      },
    });
    expect(answer.status).toBe(202);
    const orderId = answer.body.orderId as string;

    const { key: recordKey, events } = await eventsOf(orderId, 1);
    expect(recordKey).toBe(orderId);
    const { eventId, occurredAt, ...event } = events[0]!;
    expect(eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(occurredAt).toBeGreaterThanOrEqual(before - 1000);
    const { rows } = await admin.query<{ correlation_id: string }>(
      'select correlation_id from basket.checkouts where order_id = $1',
      [orderId],
    );
    expect(event).toEqual({
      eventType: topicSpec(TOPIC).eventType,
      aggregateId: orderId,
      sequence: 1,
      correlationId: rows[0]?.correlation_id,
      causationId: key,
      basketId,
      customerId,
      customerEmail: 'grace@example.com',
      shippingAddress: {
        recipientName: 'Grace Hopper',
        line1: 'Unter den Linden 1',
        line2: null,
        city: 'Berlin',
        postalCode: '10117',
        region: 'Berlin',
        countryCode: 'DE',
      },
      paymentToken: 'tok_ok',
      items: [
        { sku: 'SKU-TEA-001', name: 'Sencha green tea, 100 g', quantity: 2, unitPriceMinor: 1250 },
        { sku: 'SKU-RARE-012', name: 'Aged pu-erh cake, 357 g', quantity: 1, unitPriceMinor: 15900 },
      ],
      totalMinor: 2 * 1250 + 15900,
      currency: 'EUR',
    });
    expect(event.correlationId).toMatch(/^[0-9a-f-]{36}$/);

    // A replayed checkout writes nothing: its answer comes after its transaction, and the
    // outbox (all that ever reaches the topic) still holds one event for the order.
    expect((await checkOut(basketId, key)).body.orderId).toBe(orderId);
    const outbox = await admin.query<{ n: number }>(
      'select count(*)::int as n from basket.outbox where aggregateid = $1',
      [orderId],
    );
    expect(outbox.rows[0]?.n).toBe(1);
    expect(seen.get(orderId)?.values).toHaveLength(1);
  });
});
