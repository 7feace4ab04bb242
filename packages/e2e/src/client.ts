import { randomUUID } from 'node:crypto';

/** Where the system's HTTP APIs are. */
export interface Endpoints {
  basket: string;
  order: string;
  /** The read side: order timelines, customers' orders, daily sales. */
  views: string;
  provider: string;
  /** maildev's web inbox and REST API. */
  mailbox: string;
}

export const TERMINAL_STATUSES = ['REJECTED', 'CANCELLED', 'DELIVERED'] as const;

export interface OrderView {
  orderId: string;
  status: string;
  totalMinor: number;
  currency: string;
  items: { sku: string; quantity: number }[];
  history: { from: string | null; to: string; at: string; cause: string; reason?: string }[];
}

/** How far a view has read: per topic, per partition, the offset of the last message applied. */
export type ViewPosition = Record<string, Record<string, number>>;

/** An order as the views service's order-timeline view shows it. */
export interface OrderTimeline {
  orderId: string;
  preparing: false;
  customerId: string;
  customerEmail: string;
  status: string;
  placedAt: string;
  updatedAt: string;
  items: { sku: string; name: string; quantity: number; unitPriceMinor: number }[];
  totalMinor: number;
  currency: string;
  payment: null | {
    status: 'PROCESSED' | 'FAILED';
    paymentId: string;
    amountMinor: number;
    currency: string;
    [more: string]: unknown;
  };
  statusHistory: { status: string; at: string; eventType: string }[];
  shipments: {
    shipmentId: string;
    carrier: string;
    trackingNumber: string;
    status: string;
    timeline: { status: string; at: string; location: string }[];
  }[];
  emails: { emailId: string; kind: string; recipient: string; subject: string; sentAt: string }[];
  events: { eventId: string; eventType: string; topic: string; occurredAt: string; sequence: number }[];
  position: ViewPosition;
}

/**
 * The order page while the view does not have the order yet: 200, never an error, because
 * the emails link to it without waiting for the read side.
 */
export interface OrderPagePreparing {
  orderId: string;
  preparing: true;
  status: 'PREPARING';
  message: string;
  position: ViewPosition;
}

/** One page of a customer's orders, newest first (the customer-orders view). */
export interface CustomerOrders {
  customerId: string;
  page: number;
  pageSize: number;
  total: number;
  orders: { orderId: string; placedAt: string; status: string; totalMinor: number; currency: string }[];
  position: ViewPosition;
}

/** Confirmed and cancelled orders per UTC day and currency (the daily-sales view). */
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
  position: ViewPosition;
}

export interface Email {
  id: string;
  subject: string;
  to: { address: string }[];
  text?: string;
  html?: string;
}

export interface OrderRequest {
  customerId?: string;
  email?: string;
  items: { sku: string; quantity: number }[];
  paymentToken: string;
  idempotencyKey?: string;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what} answered ${status}: ${body}`);
  }
}

async function call<T>(url: string, init: RequestInit & { expect?: number[] } = {}): Promise<T> {
  const response = await fetch(url, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  if (!(init.expect ?? [200, 201, 202, 204]).includes(response.status)) {
    throw new HttpError(response.status, text, `${init.method ?? 'GET'} ${url}`);
  }
  return (text ? JSON.parse(text) : undefined) as T;
}

/** The system as a customer and an operator see it: nothing but HTTP. */
export class PlatformClient {
  /** Every order placed through this client. */
  readonly placed = new Set<string>();

  constructor(readonly endpoints: Endpoints) {}

  /** Basket → items → checkout: what a customer does. Returns the order id. */
  async placeOrder(request: OrderRequest): Promise<string> {
    const customerId = request.customerId ?? `customer-${randomUUID().slice(0, 8)}`;
    const { basketId } = await call<{ basketId: string }>(`${this.endpoints.basket}/baskets`, {
      method: 'POST',
      body: JSON.stringify({ customerId }),
    });
    for (const item of request.items) {
      await call(`${this.endpoints.basket}/baskets/${basketId}/items/${item.sku}`, {
        method: 'PUT',
        body: JSON.stringify({ quantity: item.quantity }),
      });
    }
    return this.checkout(basketId, request, request.idempotencyKey ?? randomUUID());
  }

  async checkout(basketId: string, request: OrderRequest, idempotencyKey: string): Promise<string> {
    const { orderId } = await call<{ orderId: string }>(
      `${this.endpoints.basket}/baskets/${basketId}/checkout`,
      {
        method: 'POST',
        headers: { 'idempotency-key': idempotencyKey },
        body: JSON.stringify({
          paymentToken: request.paymentToken,
          email: request.email ?? `${request.customerId ?? 'customer'}@example.com`,
          shippingAddress: {
            name: 'Ada Lovelace',
            line1: '12 St James Square',
            line2: null,
            postalCode: 'SW1Y 4JH',
            city: 'London',
            region: null,
            country: 'GB',
          },
        }),
      },
    );
    this.placed.add(orderId);
    return orderId;
  }

  async createBasket(customerId: string): Promise<string> {
    const { basketId } = await call<{ basketId: string }>(`${this.endpoints.basket}/baskets`, {
      method: 'POST',
      body: JSON.stringify({ customerId }),
    });
    return basketId;
  }

  async setItem(basketId: string, sku: string, quantity: number): Promise<void> {
    await call(`${this.endpoints.basket}/baskets/${basketId}/items/${sku}`, {
      method: 'PUT',
      body: JSON.stringify({ quantity }),
    });
  }

  /** The order as the order service shows it; undefined while it does not know the order yet. */
  async order(orderId: string): Promise<OrderView | undefined> {
    try {
      return await call<OrderView>(`${this.endpoints.order}/orders/${orderId}`);
    } catch (error) {
      if (error instanceof HttpError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The order's page on the read side as it answers: the timeline, or "being prepared". */
  async orderPage(orderId: string): Promise<OrderTimeline | OrderPagePreparing> {
    return call<OrderTimeline | OrderPagePreparing>(`${this.endpoints.views}/orders/${orderId}/timeline`);
  }

  /** The order's timeline on the read side; undefined while the view does not have the order yet. */
  async timeline(orderId: string): Promise<OrderTimeline | undefined> {
    const page = await this.orderPage(orderId);
    return page.preparing ? undefined : page;
  }

  /** One page of the customer's orders on the read side, newest first. */
  async customerOrders(customerId: string, page = 1, pageSize = 20): Promise<CustomerOrders> {
    const query = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
    return call(
      `${this.endpoints.views}/customers/${encodeURIComponent(customerId)}/orders?${query.toString()}`,
    );
  }

  /** Confirmed and cancelled orders per UTC day from `from` to `to` (YYYY-MM-DD) on the read side. */
  async dailySales(from: string, to: string): Promise<DailySales> {
    const query = new URLSearchParams({ from, to });
    return call(`${this.endpoints.views}/stats/daily-sales?${query.toString()}`);
  }

  /** Polls until the order reaches one of `statuses`; fails with its last state otherwise. */
  async waitForStatus(orderId: string, statuses: readonly string[], timeoutMs = 60_000): Promise<OrderView> {
    const deadline = Date.now() + timeoutMs;
    let last: OrderView | undefined;
    while (Date.now() < deadline) {
      try {
        last = await this.order(orderId);
      } catch {
        // A service being restarted by the test answers nothing for a moment.
      }
      if (last && statuses.includes(last.status)) return last;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `order ${orderId} not in ${statuses.join('|')} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`,
    );
  }

  async setStock(sku: string, available: number): Promise<void> {
    await call(`${this.endpoints.order}/admin/stock/${sku}`, {
      method: 'PUT',
      body: JSON.stringify({ available }),
    });
  }

  async stock(sku: string): Promise<number> {
    return (await call<{ available: number }>(`${this.endpoints.order}/admin/stock/${sku}`)).available;
  }

  /** The provider simulator's own record of charges for an order, and of every attempt at one. */
  async charges(
    orderId: string,
  ): Promise<{ charges: unknown[]; attempts: { attempt: number; result: string; at: string }[] }> {
    return call(`${this.endpoints.provider}/charges?orderId=${encodeURIComponent(orderId)}`);
  }

  async chargeStats(): Promise<{
    charges: number;
    duplicateCharges: number;
    duplicateChargeOrderIds: string[];
  }> {
    return call(`${this.endpoints.provider}/charges/stats`);
  }

  /** Every email in the SMTP sink whose subject names the order. */
  async emailsFor(orderId: string): Promise<Email[]> {
    const all = await call<Email[]>(`${this.endpoints.mailbox}/email`);
    return all.filter((e) => e.subject.includes(orderId));
  }

  async allEmails(): Promise<Email[]> {
    return call<Email[]>(`${this.endpoints.mailbox}/email`);
  }
}
