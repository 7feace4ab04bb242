import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';

export const configSchema = baseConfigSchema.extend({
  SMTP_HOST: z.string().min(1),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535),
});

export type Config = z.infer<typeof configSchema>;
