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
            from views.daily_sales d where d.day between $1::date and $2::date) as days,
         ${positionsJson(dailySalesView)} as position`;

/** A calendar date written YYYY-MM-DD that exists; 400 otherwise. */
export function parseDay(name: string, value: string | undefined): Date {
  if (value === undefined || value === '') throw new BadRequestException(`${name} is required (YYYY-MM-DD)`);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match
    ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
    : undefined;
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
