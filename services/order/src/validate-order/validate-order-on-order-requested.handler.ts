import { Inject, Logger } from '@nestjs/common';
import type { EventOf } from '@order-platform/contracts';
import type { OutboxWriter } from '@order-platform/messaging';
import { CONFIG, OUTBOX_WRITER, TriggeredBy } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import type { Config } from '../config';
import { OrdersRepository } from '../db/orders.repository';
import { StockRepository } from '../db/stock.repository';
import { Order, type StockCheck } from '../domain/order.aggregate';
import { orderEvent, orderFacts } from '../order-events/order-events';

/**
 * Creates the order from OrderRequested and validates it: reserves its stock and emits
 * OrderValidated, or rejects it (nothing reserved) and emits OrderRejected.
 */
@TriggeredBy('order.validate-order-on-order-requested', 'basket.order-requested.v1')
export class ValidateOrderOnOrderRequested {
  private readonly logger = new Logger(ValidateOrderOnOrderRequested.name);

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly orders: OrdersRepository,
    private readonly stock: StockRepository,
  ) {}

  async handle(tx: PoolClient, event: EventOf<'basket.order-requested.v1'>): Promise<void> {
    const orderId = event.aggregateId;
    // The basket emits one OrderRequested per order; another one under a new event id is a
    // re-send of the same checkout and must not reserve twice.
    if (await this.orders.exists(tx, orderId)) {
      this.logger.warn({ orderId, eventId: event.eventId, msg: 'order already requested; ignored' });
      return;
    }
    const at = new Date(event.occurredAt);
    const order = Order.request({
      orderId,
      customerId: event.customerId,
      customerEmail: event.customerEmail,
      currency: event.currency,
      lines: event.items.map((i) => ({ ...i })),
      totalMinor: event.totalMinor,
      at,
    });
    const details = {
      shippingAddress: event.shippingAddress,
      paymentToken: event.paymentToken,
      paymentId: null,
      shipmentId: null,
    };
    // Stored as PENDING first: its reservations refer to it.
    await this.orders.insert(tx, order, details);

    const limits = { maxTotalMinor: this.config.ORDER_MAX_TOTAL_MINOR };
    const skus = event.items.map((i) => i.sku);
    const known = await this.stock.knownSkus(tx, skus);
    const check: StockCheck = {
      unknownSkus: [...new Set(skus.filter((sku) => !known.has(sku)))],
      unavailable: [],
    };
    // A dry run of the rules that need no stock decides whether reserving is worth trying;
    // the reservation itself is the stock check, so that racing orders cannot oversell.
    const wouldPass = Order.restore(order.snapshot).validate(check, limits, at).kind === 'validated';
    const unavailable = wouldPass ? await this.stock.reserve(tx, orderId, order.snapshot.lines) : [];
    const change = order.validate({ ...check, unavailable }, limits, at);
    await this.orders.update(tx, order, details);

    if (change.kind === 'validated') {
      const facts = orderFacts(order);
      await this.outbox.append(tx, [
        orderEvent('order.order-validated.v1', order, event, {
          customerId: facts.customerId,
          paymentToken: event.paymentToken,
          items: facts.items,
          totalMinor: facts.totalMinor,
          currency: facts.currency,
        }),
      ]);
      this.logger.log({ orderId, msg: 'order validated, stock reserved' });
    } else if (change.kind === 'rejected') {
      await this.outbox.append(tx, [
        orderEvent('order.order-rejected.v1', order, event, {
          ...orderFacts(order),
          reasonCode: change.reasonCode,
          reason: change.reason,
          unavailableItems: change.unavailableItems.map((u) => ({ ...u })),
        }),
      ]);
      this.logger.log({ orderId, reasonCode: change.reasonCode, msg: 'order rejected' });
    }
  }
}
