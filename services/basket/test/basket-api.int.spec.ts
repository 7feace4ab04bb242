import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { aCheckout, anAddress, useBasketService } from './basket.fixture';

/** The basket's HTTP API as a built process on the real stack: every answer it gives and what it stores. */
describe('basket service: its API', () => {
  const { url, call, aBasketWith, checkOut } = useBasketService();

  it('lists the catalogue its migration seeded, in EUR minor units', async () => {
    const { status, body } = await call('GET', '/products');
    expect(status).toBe(200);
    const products = body as unknown as { sku: string; name: string; priceMinor: number; currency: string }[];
    expect(products).toHaveLength(12);
    expect(products).toContainEqual({
      sku: 'SKU-TEA-001',
      name: 'Sencha green tea, 100 g',
      priceMinor: 1250,
      currency: 'EUR',
    });
    expect(products).toContainEqual({
      sku: 'SKU-RARE-012',
      name: 'Aged pu-erh cake, 357 g',
      priceMinor: 15900,
      currency: 'EUR',
    });
    expect(products.every((p) => p.currency === 'EUR' && Number.isInteger(p.priceMinor))).toBe(true);
  });

  it('serves its OpenAPI document and UI at /docs', async () => {
    const ui = await fetch(`${url()}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
    const document = (await (await fetch(`${url()}/docs-json`)).json()) as { paths: object };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/products',
        '/baskets',
        '/baskets/{basketId}',
        '/baskets/{basketId}/items/{sku}',
        '/baskets/{basketId}/checkout',
      ]),
    );
  });

  it('opens a basket, sets, changes and removes items at catalogue prices, and totals them', async () => {
    const opened = await call('POST', '/baskets', { customerId: 'customer-1' });
    expect(opened.status).toBe(201);
    const basketId = opened.body.basketId as string;
    expect(await call('GET', `/baskets/${basketId}`)).toEqual({
      status: 200,
      body: {
        basketId,
        customerId: 'customer-1',
        currency: 'EUR',
        items: [],
        totalMinor: 0,
        status: 'open',
        checkout: null,
      },
    });
    await call('PUT', `/baskets/${basketId}/items/SKU-TEA-001`, { quantity: 2 });
    await call('PUT', `/baskets/${basketId}/items/SKU-MUG-002`, { quantity: 1 });
    const changed = await call('PUT', `/baskets/${basketId}/items/SKU-TEA-001`, { quantity: 3 });
    expect(changed.status).toBe(200);
    expect(changed.body.totalMinor).toBe(3 * 1250 + 1899);
    const removed = await call('PUT', `/baskets/${basketId}/items/SKU-MUG-002`, { quantity: 0 });
    expect(removed.body.items).toEqual([
      {
        sku: 'SKU-TEA-001',
        name: 'Sencha green tea, 100 g',
        quantity: 3,
        unitPriceMinor: 1250,
        lineTotalMinor: 3750,
      },
    ]);
    expect((await call('GET', `/baskets/${basketId}`)).body.totalMinor).toBe(3750);
  });

  it('answers 404 for an unknown basket or product', async () => {
    const basketId = await aBasketWith({});
    const unknownBasket = await call('GET', `/baskets/${randomUUID()}`);
    expect(unknownBasket.status).toBe(404);
    expect(unknownBasket.body.message).toMatch(/no basket/);
    expect((await call('PUT', `/baskets/${randomUUID()}/items/SKU-TEA-001`, { quantity: 1 })).status).toBe(
      404,
    );
    const unknownSku = await call('PUT', `/baskets/${basketId}/items/SKU-NOPE-999`, { quantity: 1 });
    expect(unknownSku.status).toBe(404);
    expect(unknownSku.body.message).toMatch(/SKU-NOPE-999/);
    expect((await checkOut(randomUUID(), randomUUID())).status).toBe(404);
  });

  it('refuses a basket id that is not a UUID with 400 naming it, on every route', async () => {
    const view = await call('GET', '/baskets/not-a-uuid');
    expect(view.status).toBe(400);
    expect(view.body.message).toBe('basketId: "not-a-uuid" is not a basket id (a UUID)');
    expect((await call('PUT', '/baskets/not-a-uuid/items/SKU-TEA-001', { quantity: 1 })).status).toBe(400);
    expect((await checkOut('not-a-uuid', randomUUID())).status).toBe(400);
  });

  it.each([
    ['a negative quantity', { quantity: -1 }],
    ['a quantity over 100', { quantity: 101 }],
    ['a fraction', { quantity: 1.5 }],
    ['a string', { quantity: '2' }],
    ['no quantity', {}],
    ['an unknown field', { quantity: 1, price: 1 }],
  ])('refuses %s with 400 and a reason', async (_, body) => {
    const basketId = await aBasketWith({});
    const answer = await call('PUT', `/baskets/${basketId}/items/SKU-TEA-001`, body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it.each([
    ['malformed JSON', '{"customerId": '],
    ['no customerId', {}],
    ['a numeric customerId', { customerId: 42 }],
    ['a blank customerId', { customerId: '  ' }],
    ['a JSON array', [1, 2]],
  ])('refuses to open a basket with %s: 400 with a reason', async (_, body) => {
    const answer = await call('POST', '/baskets', body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toEqual(expect.any(String));
  });

  it('refuses a body over the limit with 413, and never answers 500', async () => {
    const answer = await call('POST', '/baskets', { customerId: 'x'.repeat(20_000) });
    expect(answer.status).toBe(413);
    const checkout = await checkOut(await aBasketWith({ 'SKU-TEA-001': 1 }), randomUUID(), {
      ...aCheckout(),
      paymentToken: 'x'.repeat(20_000),
    });
    expect(checkout.status).toBe(413);
  });

  it.each([
    ['a bad email', aCheckout({ email: 'not-an-email' })],
    ['no payment token', aCheckout({ paymentToken: undefined })],
    ['no shipping address', aCheckout({ shippingAddress: undefined })],
    ['an address without a city', aCheckout({ shippingAddress: anAddress({ city: undefined }) })],
    [
      'a country that is not a 2-letter code',
      aCheckout({ shippingAddress: anAddress({ country: 'Germany' }) }),
    ],
    ['a numeric payment token', aCheckout({ paymentToken: 4242 })],
    ['malformed JSON', '{"paymentToken": "tok_ok",'],
  ])('refuses a checkout with %s: 400 with a reason, and no order', async (_, body) => {
    const basketId = await aBasketWith({ 'SKU-TEA-001': 1 });
    const answer = await checkOut(basketId, randomUUID(), body);
    expect(answer.status).toBe(400);
    expect(answer.body.message).toEqual(expect.any(String));
    expect((await call('GET', `/baskets/${basketId}`)).body.status).toBe('open');
  });
});
