import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { PG_POOL } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import { dailySalesView } from '../views/daily-sales.view';
import { positionsJson, type Positions, readView } from './read-view';

/** The longest range one request may ask for. */
export const MAX_DAYS = 366;

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

/** A calendar date written YYYY-MM-DD that exists; 400 otherwise. */
export function parseDay(name: string, value: string | undefined): Date {
  if (value === undefined || value === '') throw new BadRequestException(`${name} is required (YYYY-MM-DD)`);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  let date: Date | undefined;
  if (match) {
    date = new Date(0);
    // setUTCFullYear, not Date.UTC: that reads years 0 to 99 as 1900 to 1999.
    date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  }
  if (!date || date.toISOString().slice(0, 10) !== value) {
    throw new BadRequestException(`${name} must be a calendar date written YYYY-MM-DD, got "${value}"`);
  }
  return date;
}

/** Confirmed and cancelled orders and their amounts, per UTC day and currency. */
@Controller('stats')
export class DailySalesController {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Get('daily-sales')
  async dailySales(@Query('from') fromText?: string, @Query('to') toText?: string): Promise<DailySales> {
    const from = parseDay('from', fromText);
    const to = parseDay('to', toText);
    if (from > to) throw new BadRequestException(`from (${fromText}) is after to (${toText})`);
    const days = (to.getTime() - from.getTime()) / 86_400_000 + 1;
    if (days > MAX_DAYS) throw new BadRequestException(`at most ${MAX_DAYS} days at once, asked for ${days}`);
    const row = await readView<Pick<DailySales, 'days' | 'position'>>(this.pool, dailySalesView, SQL, [
      fromText,
      toText,
    ]);
    return { from: fromText!, to: toText!, days: row?.days ?? [], position: row?.position ?? {} };
  }
}
