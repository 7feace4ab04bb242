import { Inject, Injectable } from '@nestjs/common';
import { type OutboxEvent, type OutboxWriter, PermanentError } from '@order-platform/messaging';
import { OUTBOX_WRITER } from '@order-platform/service-kit';
import type { PoolClient } from 'pg';
import { type OrderDetails, OrdersRepository } from '../db/orders.repository';
import { type Order, OrderRuleError } from '../domain/order.aggregate';

/** What an event does to the order it is about. */
export interface OrderMove {
  /** Applies the event to the order; falsy when that changes nothing (a late or repeated event). */
  apply(order: Order): unknown;
  /** The details stored with the changed order (default: as they were). */
  details?(details: OrderDetails): OrderDetails;
  /** The events the change emits, from the changed order and its details. */
  emits?(order: Order, details: OrderDetails): OutboxEvent[];
}

/**
 * The one way a handler moves an existing order on: lock and load it, apply the event, and
 * when that changed it, store it with its details and write the events it emits, all in the
 * caller's transaction.
 */
@Injectable()
export class OrderChanges {
  constructor(
    @Inject(OUTBOX_WRITER) private readonly outbox: OutboxWriter,
    private readonly orders: OrdersRepository,
  ) {}

  /**
   * No order yet is a transient failure: its OrderRequested may still be on the way (or
   * waiting in a retry topic), so the runner retries and, if it never comes, dead-letters
   * the message. Returns the order and whether the event changed it.
   */
  async move(
    tx: PoolClient,
    event: { aggregateId: string; eventType: string },
    move: OrderMove,
  ): Promise<{ order: Order; changed: boolean }> {
    const stored = await this.orders.loadForUpdate(tx, event.aggregateId);
    if (!stored)
      throw new Error(`${event.eventType} for order ${event.aggregateId}, which is not known (yet)`);
    const { order } = stored;
    if (!asPermanent(() => move.apply(order))) return { order, changed: false };
    const details = move.details?.(stored.details) ?? stored.details;
    await this.orders.update(tx, order, details);
    const events = move.emits?.(order, details) ?? [];
    if (events.length > 0) await this.outbox.append(tx, events);
    return { order, changed: true };
  }
}

/** A broken rule of the state machine cannot heal by retrying: the message goes to the dead-letter topic. */
export function asPermanent<T>(apply: () => T): T {
  try {
    return apply();
  } catch (error) {
    if (error instanceof OrderRuleError) throw new PermanentError(error.message, { cause: error });
    throw error;
  }
}
