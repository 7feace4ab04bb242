import { describe, expect, it } from 'vitest';
import { Basket, BasketError, type Checkout, type Product } from './basket.aggregate';

function aProduct(overrides: Partial<Product> = {}): Product {
  return {
    sku: 'SKU-TEA-001',
    name: 'Sencha green tea, 100 g',
    priceMinor: 1250,
    currency: 'EUR',
    ...overrides,
  };
}

function aCheckout(overrides: Partial<Checkout> = {}): Checkout {
  return {
    orderId: 'order-1',
    idempotencyKey: 'key-1',
    paymentToken: 'tok_ok',
    email: 'grace@example.com',
    shippingAddress: {
      name: 'Grace Hopper',
      line1: 'Rue de Rivoli 99',
      line2: 'Bâtiment B',
      postalCode: '75001',
      city: 'Paris',
      region: 'Île-de-France',
      country: 'FR',
    },
    at: new Date(Date.UTC(2026, 10, 22)),
    ...overrides,
  };
}

function aBasket(): Basket {
  return Basket.open('basket-1', 'customer-42', 'EUR');
}

function refusal(action: () => unknown): BasketError {
  try {
    action();
  } catch (error) {
    if (error instanceof BasketError) return error;
    throw error;
  }
  throw new Error('expected a BasketError');
}

describe('Basket', () => {
  it('sets, changes and removes items at the catalogue price, and totals them', () => {
    const basket = aBasket();
    basket.setQuantity(aProduct(), 2);
    basket.setQuantity(aProduct({ sku: 'SKU-MUG-002', name: 'Stoneware mug', priceMinor: 1899 }), 1);
    expect(basket.totalMinor).toBe(2 * 1250 + 1899);
    basket.setQuantity(aProduct({ priceMinor: 1300 }), 3);
    expect(basket.snapshot.items).toEqual([
      { sku: 'SKU-TEA-001', name: 'Sencha green tea, 100 g', quantity: 3, unitPriceMinor: 1300 },
      { sku: 'SKU-MUG-002', name: 'Stoneware mug', quantity: 1, unitPriceMinor: 1899 },
    ]);
    basket.setQuantity(aProduct(), 0);
    expect(basket.snapshot.items.map((i) => i.sku)).toEqual(['SKU-MUG-002']);
    expect(basket.snapshot.version).toBe(5);
  });

  it.each([-1, 101, 1.5, Number.NaN])('refuses quantity %s', (quantity) => {
    expect(refusal(() => aBasket().setQuantity(aProduct(), quantity)).kind).toBe('invalid-quantity');
  });

  it('refuses an item priced in another currency', () => {
    expect(refusal(() => aBasket().setQuantity(aProduct({ currency: 'USD' }), 1)).kind).toBe(
      'currency-mismatch',
    );
  });

  it('refuses to check out when empty', () => {
    expect(refusal(() => aBasket().checkOut(aCheckout())).kind).toBe('empty');
  });

  it('checks out once: the same key again is a replay, another key or a change is refused', () => {
    const basket = aBasket();
    basket.setQuantity(aProduct(), 1);
    const first = basket.checkOut(aCheckout());
    expect(first.replay).toBe(false);

    const again = basket.checkOut(aCheckout({ orderId: 'order-2' }));
    expect(again).toEqual({ checkout: first.checkout, replay: true });
    expect(again.checkout.orderId).toBe('order-1');

    expect(refusal(() => basket.checkOut(aCheckout({ idempotencyKey: 'key-2' }))).kind).toBe('checked-out');
    expect(refusal(() => basket.setQuantity(aProduct(), 2)).kind).toBe('checked-out');
  });
});
