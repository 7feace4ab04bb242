import { Basket, type BasketSnapshot } from '../domain/basket.aggregate';

/** A basket as the HTTP API shows it. */
export interface BasketView {
  basketId: string;
  customerId: string;
  currency: string;
  items: { sku: string; name: string; quantity: number; unitPriceMinor: number; lineTotalMinor: number }[];
  totalMinor: number;
  status: 'open' | 'checked-out';
  checkout: { orderId: string; checkedOutAt: string } | null;
}

export function basketView(snapshot: Readonly<BasketSnapshot>): BasketView {
  return {
    basketId: snapshot.basketId,
    customerId: snapshot.customerId,
    currency: snapshot.currency,
    items: snapshot.items.map((i) => ({ ...i, lineTotalMinor: i.quantity * i.unitPriceMinor })),
    totalMinor: Basket.restore(snapshot).totalMinor,
    status: snapshot.checkout ? 'checked-out' : 'open',
    checkout: snapshot.checkout
      ? { orderId: snapshot.checkout.orderId, checkedOutAt: new Date(snapshot.checkout.at).toISOString() }
      : null,
  };
}

export const basketViewSchema = {
  type: 'object',
  properties: {
    basketId: { type: 'string', format: 'uuid' },
    customerId: { type: 'string' },
    currency: { type: 'string', example: 'EUR' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string' },
          name: { type: 'string' },
          quantity: { type: 'integer' },
          unitPriceMinor: { type: 'integer' },
          lineTotalMinor: { type: 'integer' },
        },
      },
    },
    totalMinor: { type: 'integer' },
    status: { type: 'string', enum: ['open', 'checked-out'] },
    checkout: {
      type: 'object',
      nullable: true,
      properties: { orderId: { type: 'string', format: 'uuid' }, checkedOutAt: { type: 'string' } },
    },
  },
};
