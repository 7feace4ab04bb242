import { Injectable } from '@nestjs/common';
import type { PoolClient } from 'pg';
import { Order, type OrderLine, type OrderSnapshot, type OrderStatus } from '../domain/order.aggregate';

/** Where an order goes; the same shape as the events' Address record. */
export interface ShippingAddress {
  recipientName: string;
  line1: string;
  line2: string | null;
  city: string;
  postalCode: string;
  region: string | null;
  countryCode: string;
}

/** What the order service keeps beside the state machine, to fill the events it emits. */
export interface OrderDetails {
  shippingAddress: ShippingAddress;
  paymentToken: string;
  paymentId: string | null;
  shipmentId: string | null;
}

export interface StoredOrder {
  order: Order;
  details: OrderDetails;
}

interface OrderRow {
  id: string;
  customer_id: string;
  customer_email: string;
  currency: string;
  total_minor: string;
  status: OrderStatus;
  version: number;
  shipping_address: ShippingAddress;
  payment_token: string;
  payment_id: string | null;
  shipment_id: string | null;
}

/** Orders, their lines and their history, always inside the caller's transaction. */
@Injectable()
export class OrdersRepository {
  /** The order, locked for the rest of the transaction; undefined when there is none. */
  async loadForUpdate(tx: PoolClient, orderId: string): Promise<StoredOrder | undefined> {
    return this.load(tx, orderId, 'for update');
  }

  async find(tx: PoolClient, orderId: string): Promise<StoredOrder | undefined> {
    return this.load(tx, orderId, '');
  }

  async exists(tx: PoolClient, orderId: string): Promise<boolean> {
    const { rowCount } = await tx.query('select 1 from orders where id = $1', [orderId]);
    return (rowCount ?? 0) > 0;
  }

  async insert(tx: PoolClient, order: Order, details: OrderDetails): Promise<void> {
    const s = order.snapshot;
    await tx.query(
      `insert into orders (id, customer_id, customer_email, currency, total_minor, status, version,
                           shipping_address, payment_token, payment_id, shipment_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        s.orderId,
        s.customerId,
        s.customerEmail,
        s.currency,
        s.totalMinor,
        s.status,
        s.version,
        JSON.stringify(details.shippingAddress),
        details.paymentToken,
        details.paymentId,
        details.shipmentId,
      ],
    );
    for (const [i, line] of s.lines.entries()) {
      await tx.query(
        `insert into order_lines (order_id, line_no, sku, name, quantity, unit_price_minor)
         values ($1, $2, $3, $4, $5, $6)`,
        [s.orderId, i + 1, line.sku, line.name, line.quantity, line.unitPriceMinor],
      );
    }
    await this.appendHistory(tx, s);
  }

  async update(tx: PoolClient, order: Order, details: OrderDetails): Promise<void> {
    const s = order.snapshot;
    await tx.query(
      `update orders set status = $2, version = $3, payment_id = $4, shipment_id = $5, updated_at = now()
       where id = $1`,
      [s.orderId, s.status, s.version, details.paymentId, details.shipmentId],
    );
    await this.appendHistory(tx, s);
  }

  /** History is append-only: positions already stored stay as they are. */
  private async appendHistory(tx: PoolClient, s: Readonly<OrderSnapshot>): Promise<void> {
    for (const [i, t] of s.history.entries()) {
      await tx.query(
        `insert into order_history (order_id, position, from_status, to_status, at, cause, reason)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (order_id, position) do nothing`,
        [s.orderId, i + 1, t.from, t.to, t.at, t.cause, t.reason ?? null],
      );
    }
  }

  private async load(tx: PoolClient, orderId: string, lock: string): Promise<StoredOrder | undefined> {
    const { rows } = await tx.query<OrderRow>(`select * from orders where id = $1 ${lock}`, [orderId]);
    const row = rows[0];
    if (!row) return undefined;
    const lines = await tx.query<{ sku: string; name: string; quantity: number; unit_price_minor: string }>(
      'select sku, name, quantity, unit_price_minor from order_lines where order_id = $1 order by line_no',
      [orderId],
    );
    const history = await tx.query<{
      from_status: OrderStatus | null;
      to_status: OrderStatus;
      at: Date;
      cause: string;
      reason: string | null;
    }>(
      `select from_status, to_status, at, cause, reason from order_history
       where order_id = $1 order by position`,
      [orderId],
    );
    const orderLines: OrderLine[] = lines.rows.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPriceMinor: Number(l.unit_price_minor),
    }));
    return {
      order: Order.restore({
        orderId: row.id,
        customerId: row.customer_id,
        customerEmail: row.customer_email,
        currency: row.currency,
        lines: orderLines,
        totalMinor: Number(row.total_minor),
        status: row.status,
        version: row.version,
        history: history.rows.map((h) => ({
          from: h.from_status,
          to: h.to_status,
          at: h.at,
          cause: h.cause,
          ...(h.reason === null ? {} : { reason: h.reason }),
        })),
      }),
      details: {
        shippingAddress: row.shipping_address,
        paymentToken: row.payment_token,
        paymentId: row.payment_id,
        shipmentId: row.shipment_id,
      },
    };
  }
}
