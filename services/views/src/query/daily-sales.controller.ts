import { Controller, Get, Inject, Query } from '@nestjs/common';
import { PG_POOL } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { dailySalesView } from '../views/daily-sales.view';
import { type DayRange, dayRangeQuery } from './query-parameters';
import { positionsJson, type Positions, readView } from './read-view';

export interface DailySales {
  from: string;
  to: string;
  days: {
    day: string;
    currency: string;
    confirmedOrders: number;
    confirmedRevenueMinor: number;
    cancelledOrders: number;
    cancelledAmountMinor: number;
  }[];
  position: Positions;
}

const SQL = `
  select (select coalesce(jsonb_agg(jsonb_build_object(
                    'day', to_char(d.day, 'YYYY-MM-DD'), 'currency', d.currency,
                    'confirmedOrders', d.confirmed_orders, 'confirmedRevenueMinor', d.confirmed_revenue_minor,
                    'cancelledOrders', d.cancelled_orders, 'cancelledAmountMinor', d.cancelled_amount_minor)
                  order by d.day, d.currency), '[]'::jsonb)
            from (select day, currency,
                         count(*) filter (where outcome = 'CONFIRMED') as confirmed_orders,
                         coalesce(sum(amount_minor) filter (where outcome = 'CONFIRMED'), 0) as confirmed_revenue_minor,
                         count(*) filter (where outcome = 'CANCELLED') as cancelled_orders,
                         coalesce(sum(amount_minor) filter (where outcome = 'CANCELLED'), 0) as cancelled_amount_minor
                  from views.daily_sales_orders
                  where day between $1::date and $2::date
                  group by day, currency) d) as days,
         ${positionsJson(dailySalesView)} as position`;

/** Confirmed and cancelled orders and their amounts, per UTC day and currency. */
@Controller('stats')
export class DailySalesController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('daily-sales')
  async dailySales(@Query({ schema: dayRangeQuery }) { from, to }: DayRange): Promise<DailySales> {
    const row = await readView<Pick<DailySales, 'days' | 'position'>>(this.pool, dailySalesView, SQL, [
      from,
      to,
    ]);
    return { from, to, days: row?.days ?? [], position: row?.position ?? {} };
  }
}
