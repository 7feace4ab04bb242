import { z } from 'zod';

/** The body of POST /charges. Money is an integer count of the currency's minor unit. */
export const chargeRequestSchema = z.object({
  orderId: z.string().trim().min(1).max(200),
  amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code: three upper-case letters'),
  token: z.string().min(1).max(100),
});

export type ChargeRequest = z.infer<typeof chargeRequestSchema>;

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Every problem of a body, named by field, in one reason. */
export function parseChargeRequest(body: unknown): Parsed<ChargeRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, reason: 'the body must be a JSON object (Content-Type: application/json)' };
  }
  const result = chargeRequestSchema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const reason = result.error.issues
    .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason };
}

export function parseIdempotencyKey(header: string | string[] | undefined): Parsed<string> {
  const key = Array.isArray(header) ? header[0] : header;
  if (key === undefined || key.trim() === '')
    return { ok: false, reason: 'the Idempotency-Key header is required' };
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    return {
      ok: false,
      reason: `the Idempotency-Key header is longer than ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`,
    };
  }
  return { ok: true, value: key };
}
