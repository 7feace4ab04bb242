import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';

export const configSchema = baseConfigSchema.extend({
  /** The payment provider's base URL (the simulator in development and tests). */
  PAYMENT_PROVIDER_URL: z.url({ protocol: /^https?$/ }),
});

export type Config = z.infer<typeof configSchema>;
