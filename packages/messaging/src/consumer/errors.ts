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

/**
 * A whole dependency is unavailable (a database, a registry, a provider whose breaker is
 * open), not this message. The runner does not count it as an attempt: it holds the
 * partition and tries the same message again, with backoff, until the dependency answers.
 * Handlers throw it for their own dependencies; the runner raises it for Postgres and the
 * schema registry.
 */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${dependency} unavailable: ${reason}`, options);
    this.name = 'DependencyUnavailableError';
  }
}

export type FailureKind = 'transient' | 'permanent' | 'outage';

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
 * What a registry client (mappersmith) or fetch (undici) says when it never got an answer.
 * mappersmith reports a refused connection or its own timeout as "status 400" with the
 * socket's message, so the message decides, not the status.
 */
const UNREACHABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|EPIPE|socket hang up|fetch failed|other side closed|Timeout \(\d+ms\)|timed? ?out|aborted/i;

/**
 * The registry unreachable or failing (no answer, a timeout, 5xx, 429), as an outage of the
 * registry, if that is what a registry client's `error` says; else undefined.
 */
export function registryOutage(error: unknown): DependencyUnavailableError | undefined {
  if (error instanceof DependencyUnavailableError) return error;
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (UNREACHABLE.test(message) || (status !== undefined && (status >= 500 || status === 429))) {
    return new DependencyUnavailableError('schema registry', message, { cause: error });
  }
  return undefined;
}

/**
 * Sorts a decode failure: the registry being out (registryOutage) is not this message's
 * fault; anything else (bad magic byte, truncated Avro, an id the registry answers 404 for)
 * will fail the same way on every attempt, so it is permanent.
 */
export function classifyDecodeError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return registryOutage(error) ?? new PermanentError(`cannot decode message: ${message}`, { cause: error });
}

export function errorText(error: unknown): { error: string; stack?: string } {
  if (error instanceof Error)
    return { error: `${error.name}: ${error.message}`, ...(error.stack ? { stack: error.stack } : {}) };
  return { error: String(error) };
}
