import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';

export const configSchema = baseConfigSchema.extend({
  /** The most one order may cost, in minor units; a dearer order is rejected TOTAL_OVER_LIMIT. */
  ORDER_MAX_TOTAL_MINOR: z.coerce.number().int().min(0).default(100_000),
  /** Opens PUT/GET /admin/stock/{sku} (tests and operations); closed (403) unless "true". */
  ALLOW_STOCK_ADMIN: z.stringbool().default(false),
});

export type Config = z.infer<typeof configSchema>;
