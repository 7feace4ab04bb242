import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { newEnvelope, outboxEvent } from '@order-platform/contracts';
import type { OutboxWriter } from '@order-platform/messaging';
import { withTransaction } from '@order-platform/postgres';
import { OUTBOX_WRITER, PG_POOL } from '@order-platform/service-kit';
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
      const state = aggregate.snapshot;
      const address = checkout.shippingAddress;
      await this.outbox.append(tx, [
        outboxEvent(TOPIC, {
          // The order's first event from basket: its sequence is 1, and there is no other.
          ...newEnvelope(
            TOPIC,
            {
              aggregateId: checkout.orderId,
              sequence: 1,
              correlationId,
              causationId: checkout.idempotencyKey,
            },
            checkout.at,
          ),
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
          totalMinor: aggregate.totalMinor,
          currency: state.currency,
        }),
      ]);
      this.logger.log({
        msg: 'checked out',
        basketId: state.basketId,
        orderId: checkout.orderId,
        correlationId,
      });
      return { orderId: checkout.orderId, replay };
    });
  }
}
