import {
  Body,
  type CanActivate,
  Controller,
  ForbiddenException,
  Get,
  Inject,
  Injectable,
  NotFoundException,
  Param,
  Put,
  UseGuards,
} from '@nestjs/common';
import { withTransaction } from '@order-platform/postgres';
import { CONFIG, PG_POOL, textParam } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { z } from 'zod';
import type { Config } from '../config';
import { StockRepository } from '../db/stock.repository';

const skuParam = textParam('a SKU', 100);

const wholeStock = 'must be a whole number from 0 to 2147483647';

const setStockBody = z.strictObject({
  available: z
    .int({ error: wholeStock })
    .min(0, wholeStock)
    .max(2 ** 31 - 1, wholeStock),
});

export interface StockView {
  sku: string;
  available: number;
}

/** 403 unless ALLOW_STOCK_ADMIN is true: a guard, so that it answers before the input is checked. */
@Injectable()
export class StockAdminAllowed implements CanActivate {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  canActivate(): boolean {
    if (!this.config.ALLOW_STOCK_ADMIN)
      throw new ForbiddenException('stock administration is off (ALLOW_STOCK_ADMIN)');
    return true;
  }
}

/**
 * Sets and reads a SKU's available (unreserved) stock: for tests (the end-to-end race) and
 * operations. Closed unless ALLOW_STOCK_ADMIN is true.
 */
@Controller('admin/stock')
@UseGuards(StockAdminAllowed)
export class StockAdminController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly stock: StockRepository,
  ) {}

  @Get(':sku')
  async get(@Param('sku', { schema: skuParam }) sku: string): Promise<StockView> {
    const available = await withTransaction(this.pool, (tx) => this.stock.available(tx, sku));
    if (available === undefined) throw new NotFoundException(`no stock record of ${sku}`);
    return { sku, available };
  }

  @Put(':sku')
  async set(
    @Param('sku', { schema: skuParam }) sku: string,
    @Body({ schema: setStockBody }) { available }: z.infer<typeof setStockBody>,
  ): Promise<StockView> {
    const found = await withTransaction(this.pool, (tx) => this.stock.setAvailable(tx, sku, available));
    if (!found) throw new NotFoundException(`no stock record of ${sku}`);
    return { sku, available };
  }
}
