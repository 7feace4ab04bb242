import { Logger } from '@nestjs/common';
import { PermanentError } from '@order-platform/messaging';
import CircuitBreaker from 'opossum';

export interface ChargeRequest {
  orderId: string;
  amountMinor: number;
  currency: string;
  token: string;
}

export type ChargeAnswer =
  { outcome: 'approved'; chargeId: string } | { outcome: 'declined'; reason: string };

export interface PaymentProviderSettings {
  baseUrl: string;
  timeoutMs: number;
  breakerFailures: number;
  breakerResetMs: number;
}

/**
 * The provider answered that this request can never succeed (unknown token, invalid body,
 * the key reused with another body). It does not count against the provider's health.
 */
export class ChargeRefusedError extends PermanentError {
  constructor(status: number, body: string) {
    // The provider's own sentence when it gave one: it ends up in the customer's email.
    super(`the payment provider refused the charge (${status}): ${parse(body).reason ?? body}`);
    this.name = 'ChargeRefusedError';
  }
}

/**
 * The provider is down, slow or refusing calls for now (or the breaker is open): try later.
 * `maybeCharged`: the request may have reached the provider and charged without its answer
 * arriving (a timeout, a broken connection), so the next attempt must ask before charging;
 * false when it surely did not (the connection was refused, the breaker held the call back,
 * the provider answered 503). `breakerRetryInMs`: set when the breaker held the call back,
 * the time until it lets a trial call through.
 */
export class ProviderUnavailableError extends Error {
  readonly maybeCharged: boolean;
  readonly breakerRetryInMs: number | undefined;

  constructor(
    message: string,
    options: { cause?: unknown; maybeCharged: boolean; breakerRetryInMs?: number },
  ) {
    super(message, { cause: options.cause });
    this.name = 'ProviderUnavailableError';
    this.maybeCharged = options.maybeCharged;
    this.breakerRetryInMs = options.breakerRetryInMs;
  }
}

interface ProviderBody {
  status?: string;
  chargeId?: string;
  reason?: string;
  charge?: { id?: unknown } | null;
}

type Call = () => Promise<unknown>;

/**
 * The payment provider over HTTP, behind a timeout and a circuit breaker. After
 * `breakerFailures` failed calls in a row the breaker opens and every call (a charge or a
 * lookup) fails at once without reaching the provider, and the charger lets the payments
 * wait until it lets a trial call through, `breakerResetMs` later; that call decides
 * whether it closes. opossum's own trip rule (an error percentage over a rolling window) is
 * switched off because a flaky order's expected 503s, mixed with successes, would trip it
 * at random.
 */
export class PaymentProviderClient {
  private readonly logger = new Logger('PaymentProvider');
  private readonly breaker: CircuitBreaker<[Call], unknown>;
  private consecutiveFailures = 0;
  private openedAt = 0;

  constructor(private readonly settings: PaymentProviderSettings) {
    this.breaker = new CircuitBreaker((call: Call) => call(), {
      name: 'payment-provider',
      timeout: false,
      errorThresholdPercentage: 100,
      resetTimeout: settings.breakerResetMs,
      errorFilter: (error: unknown) => error instanceof ChargeRefusedError,
    });
    this.breaker.on('failure', () => {
      this.consecutiveFailures += 1;
      if (this.breaker.closed && this.consecutiveFailures >= settings.breakerFailures) this.breaker.open();
    });
    this.breaker.on('success', () => (this.consecutiveFailures = 0));
    this.breaker.on('open', () => {
      this.openedAt = Date.now();
      this.logger.warn({
        msg: `payment provider circuit breaker opened after ${this.consecutiveFailures} consecutive failures; calls refused for ${settings.breakerResetMs} ms`,
        breaker: 'open',
      });
    });
    this.breaker.on('halfOpen', () =>
      this.logger.log({
        msg: 'payment provider circuit breaker half-open: the next call is a trial',
        breaker: 'half-open',
      }),
    );
    this.breaker.on('close', () =>
      this.logger.log({
        msg: 'payment provider circuit breaker closed: the provider answers again',
        breaker: 'closed',
      }),
    );
  }

  get breakerState(): 'open' | 'half-open' | 'closed' {
    if (this.breaker.opened) return 'open';
    return this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /**
   * Asks the provider to charge; `idempotencyKey` makes a repeated call return the first
   * call's outcome instead of charging again, for as long as the provider remembers the key.
   */
  async charge(request: ChargeRequest, idempotencyKey: string): Promise<ChargeAnswer> {
    return this.guarded(() => this.post(request, idempotencyKey));
  }

  /**
   * The id of the charge the provider made under `idempotencyKey`, or null when it made
   * none: how an attempt whose answer never arrived is settled without charging blindly.
   */
  async chargeMadeUnder(idempotencyKey: string): Promise<string | null> {
    return this.guarded(() => this.lookup(idempotencyKey));
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private async guarded<T>(call: () => Promise<T>): Promise<T> {
    try {
      return (await this.breaker.fire(call)) as T;
    } catch (error) {
      if (error instanceof ChargeRefusedError || error instanceof ProviderUnavailableError) throw error;
      if ((error as { code?: unknown }).code === 'EOPENBREAKER') {
        const breakerRetryInMs = this.breaker.opened
          ? Math.max(0, this.openedAt + this.settings.breakerResetMs - Date.now())
          : 0;
        throw new ProviderUnavailableError('the payment provider circuit breaker is open', {
          cause: error,
          maybeCharged: false,
          breakerRetryInMs,
        });
      }
      throw new ProviderUnavailableError(`the payment provider did not answer: ${describe(error)}`, {
        cause: error,
        maybeCharged: true,
      });
    }
  }

  private async post(request: ChargeRequest, idempotencyKey: string): Promise<ChargeAnswer> {
    const { response, text } = await this.send('/charges', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(request),
    });
    if (response.status === 201 || response.status === 200) {
      const body = parse(text);
      if (response.status === 201 && body.status === 'approved' && body.chargeId)
        return { outcome: 'approved', chargeId: body.chargeId };
      if (response.status === 200 && body.status === 'declined')
        return { outcome: 'declined', reason: body.reason ?? 'declined' };
      throw new ProviderUnavailableError(
        `the payment provider answered ${response.status} with an unexpected body: ${text}`,
        { maybeCharged: true },
      );
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)
      throw new ChargeRefusedError(response.status, text);
    // 503 and 429 say the request was not taken on; any other failure may hide a charge.
    throw new ProviderUnavailableError(`the payment provider answered ${response.status}: ${text}`, {
      maybeCharged: response.status !== 503 && response.status !== 429,
    });
  }

  private async lookup(idempotencyKey: string): Promise<string | null> {
    const { response, text } = await this.send(`/charges/by-key/${encodeURIComponent(idempotencyKey)}`, {
      method: 'GET',
    });
    const body = parse(text);
    if (response.status === 200 && body.charge === null) return null;
    if (response.status === 200 && typeof body.charge?.id === 'string') return body.charge.id;
    // The answer settles nothing: keep asking (the payment stays due) rather than guess.
    throw new ProviderUnavailableError(
      `the payment provider's lookup of key ${idempotencyKey} answered ${response.status}: ${text}`,
      { maybeCharged: true },
    );
  }

  private async send(path: string, init: RequestInit): Promise<{ response: Response; text: string }> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.settings.baseUrl), {
        ...init,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new ProviderUnavailableError(
        timedOut
          ? `the payment provider did not answer within ${this.settings.timeoutMs} ms`
          : `the payment provider cannot be reached: ${describe(error)}`,
        { cause: error, maybeCharged: !connectionRefused(error) },
      );
    }
    return { response, text: await response.text().catch(() => '') };
  }
}

/** A refused connection never carried the request (Node names it ECONNREFUSED, per address tried). */
function connectionRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; errors?: { code?: unknown }[] } }).cause;
  if (cause?.code === 'ECONNREFUSED') return true;
  return (
    Array.isArray(cause?.errors) &&
    cause.errors.length > 0 &&
    cause.errors.every((e) => e.code === 'ECONNREFUSED')
  );
}

function parse(text: string): ProviderBody {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
