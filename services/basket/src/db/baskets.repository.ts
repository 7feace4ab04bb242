import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { BasketItem, BasketSnapshot, Checkout, ShippingAddress } from '../domain/basket.aggregate';

interface BasketRow {
  basket_id: string;
  customer_id: string;
  currency: string;
  items: BasketItem[];
  version: number;
}

interface CheckoutRow {
  order_id: string;
  idempotency_key: string;
  correlation_id: string;
  payment_token: string;
  email: string;
  shipping_address: ShippingAddress;
  checked_out_at: Date;
}

/** A basket's checkout with the flow's correlation id, which only the event needs. */
export interface StoredCheckout {
  checkout: Checkout;
  correlationId: string;
}

const UNIQUE_VIOLATION = '23505';

export class IdempotencyKeyTaken extends Error {
  override name = 'IdempotencyKeyTaken';
}

@Injectable()
export class BasketsRepository {
  async insert(tx: PoolClient, basket: Readonly<BasketSnapshot>): Promise<void> {
    await tx.query(
      'insert into baskets (basket_id, customer_id, currency, items, version) values ($1, $2, $3, $4, $5)',
      [basket.basketId, basket.customerId, basket.currency, JSON.stringify(basket.items), basket.version],
    );
  }

  /**
   * Loads a basket; `forUpdate` locks its row until the transaction ends, which serializes
   * every change and every checkout of one basket (concurrent checkouts with one key then
   * see the first one's row and replay it).
   */
  async load(
    tx: PoolClient,
    basketId: string,
    { forUpdate }: { forUpdate: boolean },
  ): Promise<{ basket: BasketSnapshot; correlationId: string | null } | undefined> {
    const { rows } = await tx.query<BasketRow>(
      `select basket_id, customer_id, currency, items, version from baskets where basket_id = $1${forUpdate ? ' for update' : ''}`,
      [basketId],
    );
    const row = rows[0];
    if (!row) return undefined;
    // A statement of its own, after the lock is held: it sees a checkout committed by
    // whoever held the lock before.
    const stored = await this.loadCheckout(tx, basketId);
    return {
      basket: {
        basketId: row.basket_id,
        customerId: row.customer_id,
        currency: row.currency,
        items: row.items,
        checkout: stored?.checkout ?? null,
        version: row.version,
      },
      correlationId: stored?.correlationId ?? null,
    };
  }

  async saveItems(tx: PoolClient, basket: Readonly<BasketSnapshot>): Promise<void> {
    await tx.query('update baskets set items = $2, version = $3, updated_at = now() where basket_id = $1', [
      basket.basketId,
      JSON.stringify(basket.items),
      basket.version,
    ]);
  }

  /** Stores a new checkout; throws IdempotencyKeyTaken when another basket used the key. */
  async saveCheckout(
    tx: PoolClient,
    basket: Readonly<BasketSnapshot>,
    { checkout, correlationId }: StoredCheckout,
  ): Promise<void> {
    try {
      await tx.query(
        `insert into checkouts (basket_id, order_id, idempotency_key, correlation_id, payment_token, email, shipping_address, checked_out_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          basket.basketId,
          checkout.orderId,
          checkout.idempotencyKey,
          correlationId,
          checkout.paymentToken,
          checkout.email,
          JSON.stringify(checkout.shippingAddress),
          checkout.at,
        ],
      );
    } catch (error) {
      const constraint = (error as { code?: string; constraint?: string }).constraint;
      if ((error as { code?: string }).code === UNIQUE_VIOLATION && constraint?.includes('idempotency_key')) {
        throw new IdempotencyKeyTaken(`the Idempotency-Key was already used to check out another basket`);
      }
      throw error;
    }
    await tx.query('update baskets set version = $2, updated_at = now() where basket_id = $1', [
      basket.basketId,
      basket.version,
    ]);
  }

  private async loadCheckout(tx: PoolClient, basketId: string): Promise<StoredCheckout | undefined> {
    const { rows } = await tx.query<CheckoutRow>(
      `select order_id, idempotency_key, correlation_id, payment_token, email, shipping_address, checked_out_at
       from checkouts where basket_id = $1`,
      [basketId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      checkout: {
        orderId: row.order_id,
        idempotencyKey: row.idempotency_key,
        paymentToken: row.payment_token,
        email: row.email,
        shippingAddress: row.shipping_address,
        at: row.checked_out_at,
      },
      correlationId: row.correlation_id,
    };
  }
}
