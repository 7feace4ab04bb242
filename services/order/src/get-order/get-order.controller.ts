import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { withTransaction } from '@order-platform/postgres';
import { PG_POOL, uuidParam } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { OrdersRepository } from '../db/orders.repository';
import type { OrderLine, OrderStatus } from '../domain/order.aggregate';

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  customerId: string;
  items: OrderLine[];
  totalMinor: number;
  currency: string;
  history: { from: OrderStatus | null; to: OrderStatus; at: string; cause: string; reason?: string }[];
}

/** The order's own page: its state as the order service has recorded it. */
@Controller('orders')
export class GetOrderController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly orders: OrdersRepository,
  ) {}

  @Get(':orderId')
  async get(@Param('orderId', { schema: uuidParam('an order id') }) orderId: string): Promise<OrderView> {
    const stored = await withTransaction(this.pool, (tx) => this.orders.find(tx, orderId));
    if (!stored) throw new NotFoundException(`no order ${orderId}`);
    const s = stored.order.snapshot;
    return {
      orderId: s.orderId,
      status: s.status,
      customerId: s.customerId,
      items: s.lines,
      totalMinor: s.totalMinor,
      currency: s.currency,
      history: s.history.map((t) => ({
        from: t.from,
        to: t.to,
        at: t.at.toISOString(),
        cause: t.cause,
        ...(t.reason === undefined ? {} : { reason: t.reason }),
      })),
    };
  }
}
