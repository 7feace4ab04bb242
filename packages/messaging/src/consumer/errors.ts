/**
 * A failure that no retry can cure: the message cannot be decoded, names a schema the
 * registry does not have, or fails validation. Such a message goes straight to the
 * dead-letter topic; everything else counts as transient and is retried.
 */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

export type FailureKind = 'transient' | 'permanent';

export function isPermanent(error: unknown): boolean {
  return error instanceof PermanentError;
}

/** The HTTP status of a registry client error (mappersmith puts it on the error), if any. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Sorts a decode failure: the registry being unreachable or failing (no status, 5xx, 429)
 * may pass, so it is transient; anything else (bad magic byte, truncated Avro, an id the
 * registry answers 404 for) will fail the same way on every attempt.
 */
export function classifyDecodeError(error: unknown): Error {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const network = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up|fetch failed/i.test(message);
  if (network || (status !== undefined && (status >= 500 || status === 429))) {
    return error instanceof Error ? error : new Error(message);
  }
  return new PermanentError(`cannot decode message: ${message}`, { cause: error });
}

export function errorText(error: unknown): { error: string; stack?: string } {
  if (error instanceof Error)
    return { error: `${error.name}: ${error.message}`, ...(error.stack ? { stack: error.stack } : {}) };
  return { error: String(error) };
}
