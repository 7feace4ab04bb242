/** Polls `probe` until `accept` holds for its value; fails with the last value otherwise. */
export async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not reached within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
}

/** The kind of an order email, read from its subject. */
export function emailKind(subject: string): 'confirmed' | 'cancelled' | 'rejected' | 'delivered' | 'other' {
  if (/cancel/i.test(subject)) return 'cancelled';
  if (/reject|could not accept/i.test(subject)) return 'rejected';
  if (/deliver/i.test(subject)) return 'delivered';
  if (/confirm/i.test(subject)) return 'confirmed';
  return 'other';
}
