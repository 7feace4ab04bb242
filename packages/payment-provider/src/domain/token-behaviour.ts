/**
 * The simulator's behaviour table: what the provider does with a payment token on the n-th
 * attempt for an order. Deterministic on purpose, so a test picks the failure it wants by
 * choosing the token.
 */
export const KNOWN_TOKENS = ['tok_ok', 'tok_declined', 'tok_flaky', 'tok_slow'] as const;

export type Token = (typeof KNOWN_TOKENS)[number];

/** How many attempts for an order tok_flaky answers 503 before it approves. */
export const FLAKY_FAILURES = 2;

export const DECLINE_REASON = 'card_declined';
export const UNAVAILABLE_REASON = 'provider_unavailable';

export type Behaviour =
  /** Charge now; answer after delayMs (0: at once). */
  | { kind: 'approve'; delayMs: number }
  | { kind: 'decline'; reason: string }
  /** A transient failure: nothing is decided, the client should retry. */
  | { kind: 'unavailable'; reason: string };

export function isKnownToken(token: string): token is Token {
  return (KNOWN_TOKENS as readonly string[]).includes(token);
}

/** @param attempt 1 for an order's first attempt, 2 for its second, … */
export function behaviourFor(token: Token, attempt: number, slowDelayMs: number): Behaviour {
  switch (token) {
    case 'tok_ok':
      return { kind: 'approve', delayMs: 0 };
    case 'tok_declined':
      return { kind: 'decline', reason: DECLINE_REASON };
    case 'tok_flaky':
      return attempt <= FLAKY_FAILURES
        ? { kind: 'unavailable', reason: UNAVAILABLE_REASON }
        : { kind: 'approve', delayMs: 0 };
    case 'tok_slow':
      // The first attempt is charged at once but answered late, like a provider whose
      // answer arrives after the client gave up: only the idempotency key keeps the
      // client's retry from charging the order a second time.
      return { kind: 'approve', delayMs: attempt === 1 ? slowDelayMs : 0 };
  }
}
