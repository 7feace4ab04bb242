import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '@order-platform/postgres';
import { PG_POOL } from '@order-platform/service-kit';
import { Basket, NotFound } from '../domain/basket.aggregate';
import { BasketsRepository } from '../db/baskets.repository';
import { ProductsRepository } from '../db/products.repository';
import { basketView, type BasketView } from './basket-view';

/** Every basket is priced in the catalogue's one currency. */
const CURRENCY = 'EUR';

/** Opens, shows and fills baskets: each command is one transaction on the locked basket row. */
@Injectable()
export class BasketsHandler {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly baskets: BasketsRepository,
    private readonly products: ProductsRepository,
  ) {}

  async open(customerId: string): Promise<{ basketId: string }> {
    const basket = Basket.open(randomUUID(), customerId, CURRENCY);
    await withTransaction(this.pool, (tx) => this.baskets.insert(tx, basket.snapshot));
    return { basketId: basket.snapshot.basketId };
  }

  view(basketId: string): Promise<BasketView> {
    return withTransaction(this.pool, async (tx) =>
      basketView((await this.load(tx, basketId, false)).basket),
    );
  }

  setQuantity(basketId: string, sku: string, quantity: number): Promise<BasketView> {
    return withTransaction(this.pool, async (tx) => {
      const { basket } = await this.load(tx, basketId, true);
      const product = await this.products.find(tx, sku);
      if (!product) throw new NotFound(`no product ${sku} in the catalogue`);
      const aggregate = Basket.restore(basket);
      aggregate.setQuantity(product, quantity);
      await this.baskets.saveItems(tx, aggregate.snapshot);
      return basketView(aggregate.snapshot);
    });
  }

  /** The basket (locked when `forUpdate`), or NotFound. `basketId` is a UUID: the controllers check. */
  async load(tx: PoolClient, basketId: string, forUpdate: boolean) {
    const found = await this.baskets.load(tx, basketId, { forUpdate });
    if (!found) throw new NotFound(`no basket ${basketId}`);
    return found;
  }
}
