import { baseConfigSchema } from '@order-platform/service-kit';
import { z } from 'zod';
import { ORDER_ID_PLACEHOLDER } from './domain/order-email';

export const configSchema = baseConfigSchema.extend({
  SMTP_HOST: z.string().min(1),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535),
  /** Gives up on an SMTP connection or reply after this long; the message is retried. */
  SMTP_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  /**
   * The SMTP sink's message API (maildev's REST, http://host:1080), asked whether an email
   * whose earlier send had an unknown outcome was delivered, so it is not sent twice. Unset:
   * such an email is sent again (at least once).
   */
  SMTP_LOOKUP_URL: z.url({ protocol: /^https?$/ }).optional(),
  EMAIL_FROM: z.string().min(3).default('Order Platform <orders@order-platform.local>'),
  /** The right-hand side of the deterministic Message-IDs. */
  EMAIL_MESSAGE_ID_DOMAIN: z.string().min(1).default('order-platform.local'),
  /** The order's page that every email links to: `{orderId}` is replaced by the order id. */
  ORDER_PAGE_URL: z
    .url({ protocol: /^https?$/ })
    .refine(
      (url) => url.includes(ORDER_ID_PLACEHOLDER),
      `expected a URL template containing ${ORDER_ID_PLACEHOLDER}`,
    )
    .default('http://127.0.0.1:3005/orders/{orderId}/timeline'),
});

export type Config = z.infer<typeof configSchema>;
