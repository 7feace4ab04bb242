import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';

export const configSchema = baseConfigSchema.extend({
  SMTP_HOST: z.string().min(1),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535),
  /** Gives up on an SMTP connection or reply after this long; the message is retried. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  EMAIL_FROM: z.string().min(3).default('Order Platform <orders@order-platform.local>'),
  /** The right-hand side of the deterministic Message-IDs. */
  EMAIL_MESSAGE_ID_DOMAIN: z.string().min(1).default('order-platform.local'),
  /** An order's page is this followed by the order id. */
  ORDER_PAGE_BASE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:3001/orders/'),
});

export type Config = z.infer<typeof configSchema>;
