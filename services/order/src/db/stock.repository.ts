import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import type { OrderLine, UnavailableItem } from '../domain/order.aggregate';

/** How many units of each SKU an order needs (a SKU may appear on several lines), in SKU order. */
export function quantitiesBySku(lines: readonly OrderLine[]): [string, number][] {
  const bySku = new Map<string, number>();
  for (const line of lines) bySku.set(line.sku, (bySku.get(line.sku) ?? 0) + line.quantity);
  return [...bySku.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Stock and reservations. Reserving never reads-then-writes: each SKU is taken with one
 * conditional update, so orders racing for the last units cannot oversell, and SKUs are
 * taken in one global order (sorted), so two orders cannot deadlock on each other's rows.
 */
@Injectable()
export class StockRepository {
  async knownSkus(tx: PoolClient, skus: readonly string[]): Promise<Set<string>> {
    const { rows } = await tx.query<{ sku: string }>('select sku from stock where sku = any($1)', [skus]);
    return new Set(rows.map((r) => r.sku));
  }

  /**
   * Reserves every line for the order, or nothing: on the first SKU short of stock it rolls
   * back to before the first one and says which SKUs were short (with what is left now).
   */
  async reserve(tx: PoolClient, orderId: string, lines: readonly OrderLine[]): Promise<UnavailableItem[]> {
    const wanted = quantitiesBySku(lines);
    await tx.query('savepoint reserve_stock');
    for (const [sku, quantity] of wanted) {
      const { rowCount } = await tx.query(
        'update stock set available = available - $2 where sku = $1 and available >= $2',
        [sku, quantity],
      );
      if (rowCount === 0) {
        await tx.query('rollback to savepoint reserve_stock');
        const short = await this.shortOf(tx, wanted);
        // Stock came back between the update and the read: try the whole order again.
        if (short.length === 0) throw new Error(`stock of ${sku} changed while reserving; retrying`);
        return short;
      }
      await tx.query('insert into reservations (order_id, sku, quantity) values ($1, $2, $3)', [
        orderId,
        sku,
        quantity,
      ]);
    }
    await tx.query('release savepoint reserve_stock');
    return [];
  }

  /** Gives back exactly what the order reserved, once: the reservations go with it. */
  async release(tx: PoolClient, orderId: string): Promise<{ sku: string; quantity: number }[]> {
    const { rows } = await tx.query<{ sku: string; quantity: number }>(
      'delete from reservations where order_id = $1 returning sku, quantity',
      [orderId],
    );
    const released = rows.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
    for (const { sku, quantity } of released) {
      await tx.query('update stock set available = available + $2 where sku = $1', [sku, quantity]);
    }
    return released;
  }

  async available(tx: PoolClient, sku: string): Promise<number | undefined> {
    const { rows } = await tx.query<{ available: number }>('select available from stock where sku = $1', [
      sku,
    ]);
    return rows[0]?.available;
  }

  /** Sets a SKU's available units; false when there is no such SKU. */
  async setAvailable(tx: PoolClient, sku: string, available: number): Promise<boolean> {
    const { rowCount } = await tx.query('update stock set available = $2 where sku = $1', [sku, available]);
    return (rowCount ?? 0) > 0;
  }

  private async shortOf(tx: PoolClient, wanted: readonly [string, number][]): Promise<UnavailableItem[]> {
    const { rows } = await tx.query<{ sku: string; available: number }>(
      'select sku, available from stock where sku = any($1)',
      [wanted.map(([sku]) => sku)],
    );
    const left = new Map(rows.map((r) => [r.sku, r.available]));
    return wanted
      .map(([sku, requestedQuantity]) => ({ sku, requestedQuantity, availableQuantity: left.get(sku) ?? 0 }))
      .filter((u) => u.availableQuantity < u.requestedQuantity);
  }
}
