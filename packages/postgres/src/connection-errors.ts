/**
 * SQLSTATE classes and codes that mean "the server is going or gone", not "this statement
 * is wrong": 08xxx connection exceptions, 57P01 admin_shutdown, 57P02 crash_shutdown,
 * 57P03 cannot_connect_now (starting up or in recovery).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P01|57P02|57P03)$/;

/** Socket-level failures (errno codes) of a connection to the server. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** What pg and pg-pool say when a connection breaks, times out, or cannot be made. */
const PG_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|is not queryable/i;

function field(error: object, name: string): unknown {
  return (error as Record<string, unknown>)[name];
}

/**
 * Why Postgres is unreachable, if `error` says it is, else undefined.
 *
 * `anySocketError`: where every call goes to Postgres (checkout, begin, the inbox rows,
 * commit) a bare socket error can only be Postgres's; inside a handler it may be any
 * outside call's, so only pg's own signs count there.
 */
export function postgresOutageReason(error: unknown, anySocketError: boolean): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const message = error instanceof Error ? error.message : '';
  const code = field(error, 'code');
  if (typeof code === 'string' && UNAVAILABLE_SQLSTATE.test(code)) return `${code}: ${message}`;
  if (PG_MESSAGES.test(message)) return message;
  if (anySocketError && typeof code === 'string' && SOCKET_CODES.has(code)) return message;
  if (anySocketError && error instanceof AggregateError) {
    for (const inner of error.errors as unknown[]) {
      const reason = postgresOutageReason(inner, true);
      if (reason !== undefined) return reason;
    }
  }
  return undefined;
}
