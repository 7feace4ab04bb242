import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { PG_POOL } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { customerOrdersView } from '../views/customer-orders.view';
import type { OrderStatus } from '../views/order-status';
import { customerIdParam, type Paging, pagingQuery } from './query-parameters';
import { iso, positionsJson, type Positions, readView } from './read-view';

export interface CustomerOrders {
  customerId: string;
  page: number;
  pageSize: number;
  /** How many orders the customer has in all. */
  total: number;
  orders: {
    orderId: string;
    placedAt: string | null;
    status: OrderStatus;
    totalMinor: number | null;
    currency: string | null;
  }[];
  position: Positions;
}

const SQL = `
  with mine as (select * from views.customer_orders where customer_id = $1)
  select (select count(*) from mine)::integer as total,
         (select coalesce(jsonb_agg(jsonb_build_object(
                    'orderId', p.order_id, 'placedAt', ${iso('p.placed_at')}, 'status', p.status,
                    'totalMinor', p.total_minor, 'currency', p.currency)
                  order by p.placed_at desc nulls last, p.order_id desc), '[]'::jsonb)
            from (select * from mine order by placed_at desc nulls last, order_id desc limit $2 offset $3) p) as orders,
         ${positionsJson(customerOrdersView)} as position`;

/** A customer's orders, newest first, a page at a time. */
@Controller('customers')
export class CustomerOrdersController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get(':customerId/orders')
  async orders(
    @Param('customerId', { schema: customerIdParam }) customerId: string,
    @Query({ schema: pagingQuery }) { page, pageSize }: Paging,
  ): Promise<CustomerOrders> {
    const row = await readView<Omit<CustomerOrders, 'customerId' | 'page' | 'pageSize'>>(
      this.pool,
      customerOrdersView,
      SQL,
      [customerId, pageSize, (page - 1) * pageSize],
    );
    return {
      customerId,
      page,
      pageSize,
      total: row?.total ?? 0,
      orders: row?.orders ?? [],
      position: row?.position ?? {},
    };
  }
}
