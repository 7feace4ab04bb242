import {
  BadRequestException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  Inject,
  NotFoundException,
  Param,
  Put,
} from '@nestjs/common';
import { CONFIG, PG_POOL, withTransaction } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { StockRepository } from '../db/stock.repository';

export interface StockView {
  sku: string;
  available: number;
}

/**
 * Sets and reads a SKU's available (unreserved) stock: for tests (the end-to-end race) and
 * operations. Closed unless ALLOW_STOCK_ADMIN is true.
 */
@Controller('admin/stock')
export class StockAdminController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly stock: StockRepository,
  ) {}

  @Get(':sku')
  async get(@Param('sku') sku: string): Promise<StockView> {
    this.allowed();
    const available = await withTransaction(this.pool, (tx) => this.stock.available(tx, sku));
    if (available === undefined) throw new NotFoundException(`no stock record of ${sku}`);
    return { sku, available };
  }

  @Put(':sku')
  async set(@Param('sku') sku: string, @Body() body: unknown): Promise<StockView> {
    this.allowed();
    const available = (body as { available?: unknown } | undefined)?.available;
    if (
      typeof available !== 'number' ||
      !Number.isInteger(available) ||
      available < 0 ||
      available > 2 ** 31 - 1
    ) {
      throw new BadRequestException('body must be {"available": <integer ≥ 0>}');
    }
    const found = await withTransaction(this.pool, (tx) => this.stock.setAvailable(tx, sku, available));
    if (!found) throw new NotFoundException(`no stock record of ${sku}`);
    return { sku, available };
  }

  private allowed(): void {
    if (!this.config.ALLOW_STOCK_ADMIN)
      throw new ForbiddenException('stock administration is off (ALLOW_STOCK_ADMIN)');
  }
}
