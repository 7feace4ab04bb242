/**
 * Polls `check` until it returns a value (anything but undefined), or fails after
 * `timeoutMs` naming `what`. The one way tests wait for something to become true.
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** A check for eventually(): `probe`'s value, once `accept` holds for it. */
export function until<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
): () => Promise<T | undefined> {
  return async () => {
    const value = await probe();
    return accept(value) ? value : undefined;
  };
}
