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
    super(`the payment provider refused the charge (${status}): ${body}`);
    this.name = 'ChargeRefusedError';
  }
}

/** The provider is down, slow or refusing calls for now (or the breaker is open): retry later. */
export class ProviderUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ProviderUnavailableError';
  }
}

interface ProviderBody {
  status?: string;
  chargeId?: string;
  reason?: string;
}

/**
 * The payment provider over HTTP, behind a timeout and a circuit breaker. After
 * `breakerFailures` failed calls in a row the breaker opens and every call fails at once
 * without reaching the provider, so the consumer's retries back off to the retry topics
 * instead of hammering it; after `breakerResetMs` one trial call decides whether it closes.
 * opossum's own trip rule (an error percentage over a rolling window) is switched off
 * because a flaky order's expected 503s, mixed with successes, would trip it at random.
 */
export class PaymentProviderClient {
  private readonly logger = new Logger('PaymentProvider');
  private readonly breaker: CircuitBreaker<[ChargeRequest, string], ChargeAnswer>;
  private consecutiveFailures = 0;

  constructor(private readonly settings: PaymentProviderSettings) {
    this.breaker = new CircuitBreaker((request: ChargeRequest, key: string) => this.post(request, key), {
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
    this.breaker.on('open', () =>
      this.logger.warn({
        msg: `payment provider circuit breaker opened after ${this.consecutiveFailures} consecutive failures; calls refused for ${settings.breakerResetMs} ms`,
        breaker: 'open',
      }),
    );
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
   * Asks the provider to charge; `idempotencyKey` makes a repeated call (a retry after a
   * timeout, a redelivered message) return the first call's outcome instead of charging again.
   */
  async charge(request: ChargeRequest, idempotencyKey: string): Promise<ChargeAnswer> {
    try {
      return await this.breaker.fire(request, idempotencyKey);
    } catch (error) {
      if (error instanceof ChargeRefusedError || error instanceof ProviderUnavailableError) throw error;
      if ((error as { code?: unknown }).code === 'EOPENBREAKER')
        throw new ProviderUnavailableError('the payment provider circuit breaker is open', { cause: error });
      throw new ProviderUnavailableError(`the payment provider did not answer: ${describe(error)}`, {
        cause: error,
      });
    }
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private async post(request: ChargeRequest, idempotencyKey: string): Promise<ChargeAnswer> {
    let response: Response;
    try {
      response = await fetch(new URL('/charges', this.settings.baseUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      throw new ProviderUnavailableError(
        timedOut
          ? `the payment provider did not answer within ${this.settings.timeoutMs} ms`
          : `the payment provider cannot be reached: ${describe(error)}`,
        { cause: error },
      );
    }
    const text = await response.text().catch(() => '');
    if (response.status === 201 || response.status === 200) {
      const body = parse(text);
      if (response.status === 201 && body.status === 'approved' && body.chargeId)
        return { outcome: 'approved', chargeId: body.chargeId };
      if (response.status === 200 && body.status === 'declined')
        return { outcome: 'declined', reason: body.reason ?? 'declined' };
      throw new ProviderUnavailableError(
        `the payment provider answered ${response.status} with an unexpected body: ${text}`,
      );
    }
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429)
      throw new ChargeRefusedError(response.status, text);
    throw new ProviderUnavailableError(`the payment provider answered ${response.status}: ${text}`);
  }
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
