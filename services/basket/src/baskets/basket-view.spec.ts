import { describe, expect, it } from 'vitest';
import { Basket } from '../domain/basket.aggregate';
import { basketView } from './basket-view';

describe('basketView', () => {
  it('shows line totals, the total and whether the basket was checked out', () => {
    const basket = Basket.open('basket-1', 'customer-1', 'EUR');
    basket.setQuantity({ sku: 'SKU-MUG-002', name: 'Stoneware mug', priceMinor: 1899, currency: 'EUR' }, 2);
    expect(basketView(basket.snapshot)).toMatchObject({
      items: [{ sku: 'SKU-MUG-002', quantity: 2, unitPriceMinor: 1899, lineTotalMinor: 3798 }],
      totalMinor: 3798,
      status: 'open',
      checkout: null,
    });
    const at = new Date(Date.UTC(2026, 10, 22, 1, 0));
    basket.checkOut({
      orderId: 'order-1',
      idempotencyKey: 'key-1',
      paymentToken: 'tok_ok',
      email: 'ada@example.com',
      shippingAddress: {
        name: 'Ada',
        line1: '1 Road',
        line2: null,
        postalCode: '1',
        city: 'London',
        region: null,
        country: 'GB',
      },
      at,
    });
    expect(basketView(basket.snapshot)).toMatchObject({
      status: 'checked-out',
      checkout: { orderId: 'order-1', checkedOutAt: at.toISOString() },
    });
  });
});
