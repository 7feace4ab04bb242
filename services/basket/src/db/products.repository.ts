import { Inject, Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { PG_POOL } from '@order-platform/service-kit';
import type { Product } from '../domain/basket.aggregate';

interface ProductRow {
  sku: string;
  name: string;
  price_minor: string;
  currency: string;
}

const toProduct = (row: ProductRow): Product => ({
  sku: row.sku,
  name: row.name,
  priceMinor: Number(row.price_minor),
  currency: row.currency,
});

@Injectable()
export class ProductsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async list(): Promise<Product[]> {
    const { rows } = await this.pool.query<ProductRow>(
      'select sku, name, price_minor, currency from products order by sku',
    );
    return rows.map(toProduct);
  }

  async find(tx: PoolClient, sku: string): Promise<Product | undefined> {
    const { rows } = await tx.query<ProductRow>(
      'select sku, name, price_minor, currency from products where sku = $1',
      [sku],
    );
    return rows[0] && toProduct(rows[0]);
  }
}
