import { Logger } from '@nestjs/common';
import type { OutboxWriter } from '@order-platform/messaging';
import { withTransaction } from '@order-platform/postgres';
import type { Pool } from 'pg';
import type { PaymentsRepository, StoredPayment } from '../db/payments.repository';
import { type AttemptPlan, Payment, type PaymentOutcome } from '../domain/payment.aggregate';
import { chargeRetryDelayMs, type ChargeRetrySettings } from './charge-retry';
import { paymentEventOf } from './payment-events';
import {
  ChargeRefusedError,
  type PaymentProviderClient,
  ProviderUnavailableError,
} from './payment-provider.client';

export interface ChargerSettings {
  /** How long a started attempt belongs to its charger; must outlast a lookup and a charge call. */
  leaseMs: number;
  /** From the order's validation to giving the payment up. */
  deadlineMs: number;
  retry: ChargeRetrySettings;
  /** Payments one claim takes (and calls the provider for at once). */
  batch: number;
}

interface Claimed {
  stored: StoredPayment;
  plan: AttemptPlan;
}

/** What one attempt learnt from the provider (or the deadline). */
type Answer =
  | { kind: 'approved'; chargeId: string; foundByKey: boolean }
  | { kind: 'declined'; reason: string }
  | { kind: 'refused'; detail: string }
  | { kind: 'gave-up' }
  | { kind: 'failed'; error: string; maybeCharged: boolean; breakerRetryInMs?: number };

/**
 * Charges the due payments, never inside a database transaction across a provider call:
 *  1. claim: in a short transaction, lock due payments (skipping those another instance
 *     holds), start an attempt on each (its number, a lease, the call's start) and commit;
 *  2. ask the provider, outside any transaction: first what became of an earlier call
 *     whose answer never arrived (by idempotency key), then charge if still needed and the
 *     deadline allows;
 *  3. record: in a new transaction, if the attempt is still the payment's current one,
 *     store the outcome with its PaymentProcessed / PaymentFailed, or the next attempt's time.
 * A crash after 1 leaves the lease to lapse and the call's start recorded, so the next
 * charger asks the provider before charging: exactly one charge per order.
 */
export class ChargeDuePayments {
  private readonly logger = new Logger(ChargeDuePayments.name);

  constructor(
    private readonly pool: Pool,
    private readonly payments: PaymentsRepository,
    private readonly provider: PaymentProviderClient,
    private readonly outbox: OutboxWriter,
    private readonly settings: ChargerSettings,
  ) {}

  /** Works the due payments until none is left; returns how many attempts it made. */
  async run(): Promise<number> {
    let attempts = 0;
    for (;;) {
      const claimed = await this.claim();
      const done = await Promise.allSettled(claimed.map(async (c) => this.record(c, await this.ask(c))));
      attempts += claimed.length;
      const failed = done.find((d): d is PromiseRejectedResult => d.status === 'rejected');
      // The attempts that could not be recorded keep their lease and call start: the next
      // charger to take them after the lease asks the provider first.
      if (failed) throw failed.reason;
      if (claimed.length < this.settings.batch) return attempts;
    }
  }

  private claim(): Promise<Claimed[]> {
    return withTransaction(this.pool, async (tx) => {
      const now = new Date();
      const claimed: Claimed[] = [];
      for (const stored of await this.payments.lockDue(tx, now, this.settings.batch)) {
        const payment = Payment.restore(stored.snapshot);
        const plan = payment.startAttempt(now, this.settings.leaseMs, this.settings.deadlineMs);
        await this.payments.save(tx, payment.snapshot);
        claimed.push({ stored: { ...stored, snapshot: payment.snapshot }, plan });
      }
      return claimed;
    });
  }

  private async ask({ stored, plan }: Claimed): Promise<Answer> {
    const p = stored.snapshot;
    let unknownOutcome = plan.lookUpFirst;
    try {
      if (plan.lookUpFirst) {
        const chargeId = await this.provider.chargeMadeUnder(p.orderId);
        if (chargeId) return { kind: 'approved', chargeId, foundByKey: true };
        unknownOutcome = false;
      }
      if (!plan.mayCharge) return { kind: 'gave-up' };
      if (p.paymentToken === null) throw new Error(`payment of order ${p.orderId} has no token to charge`);
      const answer = await this.provider.charge(
        { orderId: p.orderId, amountMinor: p.amountMinor, currency: p.currency, token: p.paymentToken },
        p.orderId,
      );
      return answer.outcome === 'approved'
        ? { kind: 'approved', chargeId: answer.chargeId, foundByKey: false }
        : { kind: 'declined', reason: answer.reason };
    } catch (error) {
      if (error instanceof ChargeRefusedError) return { kind: 'refused', detail: error.message };
      const unavailable = error instanceof ProviderUnavailableError ? error : undefined;
      return {
        kind: 'failed',
        error: error instanceof Error ? error.message : String(error),
        maybeCharged: unknownOutcome || (unavailable?.maybeCharged ?? true),
        ...(unavailable?.breakerRetryInMs === undefined
          ? {}
          : { breakerRetryInMs: unavailable.breakerRetryInMs }),
      };
    }
  }

  private async record({ stored, plan }: Claimed, answer: Answer): Promise<void> {
    const orderId = stored.snapshot.orderId;
    await withTransaction(this.pool, async (tx) => {
      const current = await this.payments.lock(tx, orderId);
      const payment = current && Payment.restore(current.snapshot);
      if (!current || !payment?.holds(plan.attempt)) {
        this.logger.warn({
          msg: `order ${orderId}: attempt ${plan.attempt} was taken over (its lease lapsed); its answer is left to the newer attempt`,
          orderId,
          answer: answer.kind,
        });
        return;
      }
      const outcome = this.apply(payment, plan, answer);
      await this.payments.save(tx, payment.snapshot);
      if (outcome) await this.outbox.append(tx, [paymentEventOf(outcome, current)]);
      const p = payment.snapshot;
      this.logger.log({
        msg: outcome
          ? `order ${orderId} payment ${p.status}${answer.kind === 'approved' && answer.foundByKey ? ' (charge found by its idempotency key)' : ''}`
          : `order ${orderId}: charge attempt ${plan.attempt} failed, next at ${p.nextAttemptAt?.toISOString()}: ${p.lastError}`,
        orderId,
        paymentId: p.paymentId,
        attempt: plan.attempt,
      });
    });
  }

  private apply(payment: Payment, plan: AttemptPlan, answer: Answer): PaymentOutcome | undefined {
    switch (answer.kind) {
      case 'approved':
        return payment.approved(answer.chargeId);
      case 'declined':
        return payment.declined(answer.reason);
      case 'refused':
        return payment.refused(answer.detail);
      case 'gave-up':
        return payment.gaveUp(this.settings.deadlineMs);
      case 'failed': {
        const now = new Date();
        const delay = chargeRetryDelayMs(plan.attempt, answer, this.settings.retry);
        payment.attemptFailed(
          {
            at: now,
            retryAt: new Date(now.getTime() + delay),
            error: answer.error,
            maybeCharged: answer.maybeCharged,
          },
          this.settings.deadlineMs,
        );
        return undefined;
      }
    }
  }
}
