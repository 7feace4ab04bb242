import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { OutboxWriter } from '@order-platform/messaging';
import { withTransaction } from '@order-platform/postgres';
import { type EventFields, OUTBOX_WRITER, outgoingEvent, PG_POOL } from '@order-platform/service-kit';
import { Basket, type Checkout, type ShippingAddress } from '../domain/basket.aggregate';
import { BasketsRepository } from '../db/baskets.repository';
import { BasketsHandler } from '../baskets/baskets.handler';

const TOPIC = 'basket.order-requested.v1';

export interface CheckOutCommand {
  basketId: string;
  idempotencyKey: string;
  paymentToken: string;
  email: string;
  shippingAddress: ShippingAddress;
}

/**
 * Checks a basket out: in one transaction on the locked basket row, stores the checkout
 * with its idempotency key and writes OrderRequested to the outbox. The same key again
 * (also from a request that raced the first) answers with the first order id and writes
 * nothing.
 */
@Injectable()
export class CheckOutHandler {
  private readonly logger = new Logger(CheckOutHandler.name);

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly baskets: BasketsRepository,
    private readonly loader: BasketsHandler,
  ) {}

  handle(command: CheckOutCommand): Promise<{ orderId: string; replay: boolean }> {
    return withTransaction(this.pool, async (tx) => {
      const { basket } = await this.loader.load(tx, command.basketId, true);
      const aggregate = Basket.restore(basket);
      const request: Checkout = {
        orderId: randomUUID(),
        idempotencyKey: command.idempotencyKey,
        paymentToken: command.paymentToken,
        email: command.email,
        shippingAddress: command.shippingAddress,
        at: new Date(),
      };
      const { checkout, replay } = aggregate.checkOut(request);
      if (replay) return { orderId: checkout.orderId, replay };

      const correlationId = randomUUID();
      await this.baskets.saveCheckout(tx, aggregate.snapshot, { checkout, correlationId });
      // The order's first event from basket: its sequence is 1, and there is no other.
      const order = { orderId: checkout.orderId, version: 1 };
      const cause = { correlationId, causationId: checkout.idempotencyKey };
      await this.outbox.append(tx, [
        outgoingEvent(TOPIC, order, cause, orderRequested(aggregate, checkout), checkout.at),
      ]);
      this.logger.log({
        msg: 'checked out',
        basketId: aggregate.snapshot.basketId,
        orderId: checkout.orderId,
        correlationId,
      });
      return { orderId: checkout.orderId, replay };
    });
  }
}

/** What OrderRequested tells about the checked-out basket. */
function orderRequested(basket: Basket, checkout: Checkout): EventFields<typeof TOPIC> {
  const state = basket.snapshot;
  const address = checkout.shippingAddress;
  return {
    basketId: state.basketId,
    customerId: state.customerId,
    customerEmail: checkout.email,
    shippingAddress: {
      recipientName: address.name,
      line1: address.line1,
      line2: address.line2,
      city: address.city,
      postalCode: address.postalCode,
      region: address.region,
      countryCode: address.country,
    },
    paymentToken: checkout.paymentToken,
    items: state.items.map((i) => ({
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      unitPriceMinor: i.unitPriceMinor,
    })),
    totalMinor: basket.totalMinor,
    currency: state.currency,
  };
}
