import { randomUUID } from 'node:crypto';
import type { ChargeRequest } from './charge-request';
import { behaviourFor, isKnownToken } from './token-behaviour';

/** A charge the provider made: money that moved. Only an approved attempt creates one. */
export interface Charge {
  id: string;
  orderId: string;
  amountMinor: number;
  currency: string;
  idempotencyKey: string;
  createdAt: string;
}

export type Outcome =
  | {
      status: 'approved';
      chargeId: string;
      orderId: string;
      amountMinor: number;
      currency: string;
      createdAt: string;
    }
  | { status: 'declined'; reason: string; orderId: string; amountMinor: number; currency: string }
  | { status: 'unavailable'; reason: string };

/** One POST /charges that got past validation, as the provider saw it. */
export interface Attempt {
  /** 1 for the order's first attempt (under any key), 2 for its second, … */
  attempt: number;
  orderId: string;
  idempotencyKey: string;
  /** `replayed`: the key already had a final outcome, which was answered again. */
  result: 'approved' | 'declined' | 'unavailable' | 'replayed';
  at: string;
}

export type ChargeDecision =
  | { kind: 'unknown-token'; reason: string }
  | { kind: 'key-reused'; reason: string }
  | { kind: 'answered'; outcome: Outcome; replayed: boolean; delayMs: number; attempt: number };

export interface LedgerStats {
  charges: number;
  attempts: number;
  /** Orders with at least one attempt. */
  orders: number;
  results: Record<Attempt['result'], number>;
  amountMinorByCurrency: Record<string, number>;
  /** Orders charged more than once: a correct client keeps this at 0. */
  duplicateCharges: number;
  duplicateChargeOrderIds: string[];
}

interface KeyRecord {
  fingerprint: string;
  /** Set once approved or declined; a transient failure leaves the key open for a retry. */
  final?: Outcome;
  /** When the key is forgotten (epoch ms); unset: never. */
  expiresAt?: number;
}

/** What the provider knows of one idempotency key (GET /charges/by-key/{key}). */
export interface KeyLookup {
  idempotencyKey: string;
  /** The charge made under the key, if any: kept for good, even after the key is forgotten. */
  charge: Charge | null;
  /** Whether a repeated POST with this key would still be answered from memory. */
  remembered: boolean;
}

export interface LedgerOptions {
  slowDelayMs: number;
  /**
   * How long an idempotency key is remembered after its first use; after that a POST with
   * it is treated as new (a real provider's keys expire too). Unset: for ever.
   */
  keyTtlMs?: number;
  now?: () => Date;
  newChargeId?: () => string;
}

const fingerprintOf = (r: ChargeRequest) => JSON.stringify([r.orderId, r.amountMinor, r.currency, r.token]);

/**
 * The simulator's memory: idempotency keys with their outcome, attempts per order, and
 * the charges made. `charge` runs synchronously from check to record, so requests that
 * race on one key are decided one after the other and at most one of them charges.
 */
export class ChargeLedger {
  private keys = new Map<string, KeyRecord>();
  private attemptsPerOrder = new Map<string, number>();
  private attempts: Attempt[] = [];
  private charges: Charge[] = [];
  private readonly now: () => Date;
  private readonly newChargeId: () => string;

  constructor(private readonly options: LedgerOptions) {
    this.now = options.now ?? (() => new Date());
    this.newChargeId = options.newChargeId ?? (() => `ch_${randomUUID()}`);
  }

  charge(idempotencyKey: string, request: ChargeRequest): ChargeDecision {
    const { token } = request;
    if (!isKnownToken(token)) {
      return { kind: 'unknown-token', reason: `unknown payment token "${token}"` };
    }
    const fingerprint = fingerprintOf(request);
    const known = this.rememberedKey(idempotencyKey);
    if (known && known.fingerprint !== fingerprint) {
      return {
        kind: 'key-reused',
        reason: `Idempotency-Key "${idempotencyKey}" was already used with a different request body`,
      };
    }
    const attempt = (this.attemptsPerOrder.get(request.orderId) ?? 0) + 1;
    this.attemptsPerOrder.set(request.orderId, attempt);
    const at = this.now().toISOString();
    const record = (result: Attempt['result']) =>
      this.attempts.push({ attempt, orderId: request.orderId, idempotencyKey, result, at });

    if (known?.final) {
      record('replayed');
      return { kind: 'answered', outcome: known.final, replayed: true, delayMs: 0, attempt };
    }

    const behaviour = behaviourFor(token, attempt, this.options.slowDelayMs);
    let outcome: Outcome;
    let delayMs = 0;
    switch (behaviour.kind) {
      case 'approve': {
        const charge: Charge = {
          id: this.newChargeId(),
          orderId: request.orderId,
          amountMinor: request.amountMinor,
          currency: request.currency,
          idempotencyKey,
          createdAt: at,
        };
        this.charges.push(charge);
        outcome = {
          status: 'approved',
          chargeId: charge.id,
          orderId: charge.orderId,
          amountMinor: charge.amountMinor,
          currency: charge.currency,
          createdAt: charge.createdAt,
        };
        delayMs = behaviour.delayMs;
        break;
      }
      case 'decline':
        outcome = {
          status: 'declined',
          reason: behaviour.reason,
          orderId: request.orderId,
          amountMinor: request.amountMinor,
          currency: request.currency,
        };
        break;
      case 'unavailable':
        outcome = { status: 'unavailable', reason: behaviour.reason };
        break;
    }
    const expiresAt = known?.expiresAt ?? this.expiryFromNow();
    this.keys.set(idempotencyKey, {
      fingerprint,
      ...(outcome.status === 'unavailable' ? {} : { final: outcome }),
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    record(outcome.status);
    return { kind: 'answered', outcome, replayed: false, delayMs, attempt };
  }

  /**
   * The charge made under `idempotencyKey`, looked up in the charges themselves rather than
   * in the key memory, so it is found after the key has expired. Not an attempt: it never
   * changes how a token behaves.
   */
  lookup(idempotencyKey: string): KeyLookup {
    return {
      idempotencyKey,
      charge: this.charges.find((c) => c.idempotencyKey === idempotencyKey) ?? null,
      remembered: this.rememberedKey(idempotencyKey) !== undefined,
    };
  }

  /** Charges and attempts, of one order or of all. */
  list(orderId?: string): { charges: Charge[]; attempts: Attempt[] } {
    const mine = <T extends { orderId: string }>(items: T[]) =>
      orderId === undefined ? [...items] : items.filter((item) => item.orderId === orderId);
    return { charges: mine(this.charges), attempts: mine(this.attempts) };
  }

  stats(): LedgerStats {
    const results: LedgerStats['results'] = { approved: 0, declined: 0, unavailable: 0, replayed: 0 };
    for (const attempt of this.attempts) results[attempt.result] += 1;
    const amountMinorByCurrency: Record<string, number> = {};
    const chargesPerOrder = new Map<string, number>();
    for (const charge of this.charges) {
      amountMinorByCurrency[charge.currency] =
        (amountMinorByCurrency[charge.currency] ?? 0) + charge.amountMinor;
      chargesPerOrder.set(charge.orderId, (chargesPerOrder.get(charge.orderId) ?? 0) + 1);
    }
    const duplicateChargeOrderIds = [...chargesPerOrder].filter(([, n]) => n > 1).map(([orderId]) => orderId);
    return {
      charges: this.charges.length,
      attempts: this.attempts.length,
      orders: this.attemptsPerOrder.size,
      results,
      amountMinorByCurrency,
      duplicateCharges: duplicateChargeOrderIds.length,
      duplicateChargeOrderIds,
    };
  }

  private rememberedKey(idempotencyKey: string): KeyRecord | undefined {
    const known = this.keys.get(idempotencyKey);
    if (known?.expiresAt !== undefined && known.expiresAt <= this.now().getTime()) {
      this.keys.delete(idempotencyKey);
      return undefined;
    }
    return known;
  }

  private expiryFromNow(): number | undefined {
    const ttl = this.options.keyTtlMs;
    return ttl === undefined ? undefined : this.now().getTime() + ttl;
  }

  reset(): void {
    this.keys = new Map();
    this.attemptsPerOrder = new Map();
    this.attempts = [];
    this.charges = [];
  }
}
