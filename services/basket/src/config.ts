import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';

export const configSchema = baseConfigSchema.extend({
  /** Larger request bodies are refused with 413 before they are parsed. */
  HTTP_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(16_384),
});

export type Config = z.infer<typeof configSchema>;
