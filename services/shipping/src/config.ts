import { baseConfigSchema } from '@order-platform/service-kit';
import type { ShipmentDelays } from './domain/shipment.aggregate';
import { z } from 'zod';

const millis = z.coerce.number().int().min(0);

export const configSchema = baseConfigSchema.extend({
  /** From the order's confirmation to dispatch. */
  SHIPPING_DISPATCH_DELAY_MS: millis.default(2000),
  /** From dispatch to in transit. */
  SHIPPING_IN_TRANSIT_DELAY_MS: millis.default(5000),
  /** From in transit to delivered. */
  SHIPPING_DELIVERY_DELAY_MS: millis.default(5000),
  /** How often the scheduler looks for shipments whose next step is due. */
  SHIPPING_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(500),
  /** The carrier every shipment is handed to. */
  SHIPPING_CARRIER: z.string().min(1).default('Parcel Express'),
});

export type Config = z.infer<typeof configSchema>;

/** The schedule's delays, as the domain takes them. */
export function shipmentDelays(config: Config): ShipmentDelays {
  return {
    dispatchMs: config.SHIPPING_DISPATCH_DELAY_MS,
    inTransitMs: config.SHIPPING_IN_TRANSIT_DELAY_MS,
    deliveryMs: config.SHIPPING_DELIVERY_DELAY_MS,
  };
}
