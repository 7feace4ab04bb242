import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { PG_POOL } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { customerOrdersView } from '../views/customer-orders.view';
import type { OrderStatus } from '../views/order-status';
import { iso, positionsJson, type Positions, readView } from './read-view';

export const MAX_PAGE_SIZE = 100;

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

/** A whole number from a query parameter, or the default when it is absent; 400 otherwise. */
export function intParameter(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new BadRequestException(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return Number(value);
}

/** A customer's orders, newest first, a page at a time. */
@Controller('customers')
export class CustomerOrdersController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get(':customerId/orders')
  async orders(
    @Param('customerId') customerId: string,
    @Query('page') pageText?: string,
    @Query('pageSize') pageSizeText?: string,
  ): Promise<CustomerOrders> {
    if (customerId.length === 0 || customerId.length > 200) {
      throw new BadRequestException('customerId must be 1 to 200 characters');
    }
    const page = intParameter('page', pageText, 1, 1, 1_000_000);
    const pageSize = intParameter('pageSize', pageSizeText, 20, 1, MAX_PAGE_SIZE);
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
