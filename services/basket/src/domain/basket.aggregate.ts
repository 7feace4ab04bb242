/**
 * A customer's basket. No NestJS, Kafka or SQL here: the HTTP use cases load a basket, call
 * these methods, and store the result (with the OrderRequested event, at checkout, in the
 * same transaction).
 */

export interface Product {
  sku: string;
  name: string;
  priceMinor: number;
  currency: string;
}

export interface BasketItem {
  sku: string;
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

export interface ShippingAddress {
  name: string;
  line1: string;
  line2: string | null;
  postalCode: string;
  city: string;
  region: string | null;
  country: string;
}

export interface Checkout {
  orderId: string;
  idempotencyKey: string;
  paymentToken: string;
  email: string;
  shippingAddress: ShippingAddress;
  at: Date;
}

export interface BasketSnapshot {
  basketId: string;
  customerId: string;
  currency: string;
  items: BasketItem[];
  checkout: Checkout | null;
  /** Incremented with every change, for optimistic locking. */
  version: number;
}

export const MAX_QUANTITY = 100;

/** The kinds of refusal the HTTP layer maps to status codes (400, 404, 409, 422). */
export type BasketErrorKind = 'invalid-quantity' | 'currency-mismatch' | 'checked-out' | 'empty';

/** A basket or a product that does not exist. */
export class NotFound extends Error {
  override name = 'NotFound';
}

export class BasketError extends Error {
  override name = 'BasketError';
  constructor(
    readonly kind: BasketErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export class Basket {
  private constructor(private state: BasketSnapshot) {}

  static open(basketId: string, customerId: string, currency: string): Basket {
    return new Basket({ basketId, customerId, currency, items: [], checkout: null, version: 1 });
  }

  static restore(snapshot: BasketSnapshot): Basket {
    return new Basket(structuredClone(snapshot));
  }

  get snapshot(): Readonly<BasketSnapshot> {
    return this.state;
  }

  get totalMinor(): number {
    return this.state.items.reduce((sum, i) => sum + i.quantity * i.unitPriceMinor, 0);
  }

  /** Sets an item's quantity; 0 removes it. The price is the catalogue's at this moment. */
  setQuantity(product: Product, quantity: number): void {
    this.refuseIfCheckedOut();
    if (!Number.isInteger(quantity) || quantity < 0 || quantity > MAX_QUANTITY) {
      throw new BasketError(
        'invalid-quantity',
        `quantity must be a whole number from 0 to ${MAX_QUANTITY}, not ${quantity}`,
      );
    }
    if (product.currency !== this.state.currency) {
      throw new BasketError(
        'currency-mismatch',
        `${product.sku} is priced in ${product.currency}; this basket is in ${this.state.currency}`,
      );
    }
    const others = this.state.items.filter((i) => i.sku !== product.sku);
    const line = { sku: product.sku, name: product.name, quantity, unitPriceMinor: product.priceMinor };
    const index = this.state.items.findIndex((i) => i.sku === product.sku);
    if (quantity === 0) this.state.items = others;
    else if (index < 0) this.state.items = [...this.state.items, line];
    else this.state.items = this.state.items.map((i, n) => (n === index ? line : i));
    this.state.version += 1;
  }

  /**
   * Checks the basket out once. The same idempotency key again returns the first checkout
   * (the caller answers with the same order id and writes nothing); another key is refused.
   */
  checkOut(request: Checkout): { checkout: Checkout; replay: boolean } {
    const previous = this.state.checkout;
    if (previous) {
      if (previous.idempotencyKey === request.idempotencyKey) return { checkout: previous, replay: true };
      throw new BasketError(
        'checked-out',
        `basket ${this.state.basketId} was already checked out as order ${previous.orderId}`,
      );
    }
    if (this.state.items.length === 0)
      throw new BasketError('empty', `basket ${this.state.basketId} is empty`);
    this.state.checkout = structuredClone(request);
    this.state.version += 1;
    return { checkout: this.state.checkout, replay: false };
  }

  private refuseIfCheckedOut(): void {
    if (this.state.checkout) {
      throw new BasketError(
        'checked-out',
        `basket ${this.state.basketId} was checked out as order ${this.state.checkout.orderId}; it cannot change`,
      );
    }
  }
}
