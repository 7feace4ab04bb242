import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';

export const configSchema = baseConfigSchema.extend({
  /** Messages of one partition the projector applies in one Postgres transaction. */
  VIEWS_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(100),
});

export type Config = z.infer<typeof configSchema>;
