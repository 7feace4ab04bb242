import { PermanentError } from '@order-platform/messaging';
import type { PoolClient } from 'pg';
import { OrderRuleError } from '../domain/order.aggregate';
import type { OrdersRepository, StoredOrder } from './orders.repository';

/**
 * The order an event is about, locked. None yet is a transient failure: its OrderRequested
 * may still be on the way (or waiting in a retry topic), so the runner retries and, if it
 * never comes, dead-letters the message.
 */
export async function loadOrderFor(
  orders: OrdersRepository,
  tx: PoolClient,
  event: { aggregateId: string; eventType: string },
): Promise<StoredOrder> {
  const stored = await orders.loadForUpdate(tx, event.aggregateId);
  if (!stored) throw new Error(`${event.eventType} for order ${event.aggregateId}, which is not known (yet)`);
  return stored;
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
