/**
 * The statuses an order passes through on its way to delivery, oldest first, as the order
 * service and the read side both name them: the whole history of a delivered order.
 */
export const DELIVERED_ORDER_PATH = [
  'PENDING',
  'VALIDATED',
  'CONFIRMED',
  'DISPATCHED',
  'IN_TRANSIT',
  'DELIVERED',
] as const;
