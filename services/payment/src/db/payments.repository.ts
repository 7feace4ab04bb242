import type { Pool, PoolClient } from 'pg';
import type { PaymentFailureReason, PaymentSnapshot, PaymentStatus } from '../domain/payment.aggregate';

/** A payment as stored, with the ids of the OrderValidated that asked for it. */
export interface StoredPayment {
  snapshot: PaymentSnapshot;
  correlationId: string;
  /** The OrderValidated's event id: the cause of the payment's outcome event. */
  causationId: string;
}

interface PaymentRow {
  order_id: string;
  payment_id: string;
  amount_minor: string;
  currency: string;
  payment_token: string | null;
  status: PaymentStatus;
  provider_reference: string | null;
  failure_reason_code: PaymentFailureReason | null;
  failure_reason: string | null;
  attempts: number;
  version: string;
  validated_at: Date;
  next_attempt_at: Date | null;
  lease_until: Date | null;
  call_started_at: Date | null;
  last_error: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

/** What a payment's progress changes: the insert writes it first, every save again. */
const PROGRESS_COLUMNS = `status, provider_reference, failure_reason_code, failure_reason, attempts, version,
  next_attempt_at, lease_until, call_started_at, last_error`;

function progressOf(p: PaymentSnapshot): unknown[] {
  return [
    p.status,
    p.providerReference,
    p.failureReasonCode,
    p.failureReason,
    p.attempts,
    p.version,
    p.nextAttemptAt,
    p.leaseUntil,
    p.callStartedAt,
    p.lastError,
  ];
}

const COLUMNS = `order_id, payment_id, amount_minor, currency, payment_token, validated_at, correlation_id,
  causation_id, ${PROGRESS_COLUMNS}`;

/** `$from`, `$from+1` … for `count` parameters. */
function parameters(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');
}

/** The due payments and the oldest one's due time, for health and metrics. */
export interface DueSummary {
  due: number;
  oldestDueSince: Date | null;
}

/** The NOTIFY channel of a payment that became due: the charger listens to it. */
export const PAYMENTS_DUE_CHANNEL = 'payments_due';

export class PaymentsRepository {
  /**
   * Stores a new payment; false when the order already has one (that row decides, so a
   * re-sent OrderValidated never causes a second charge). The insert waits on a concurrent
   * transaction inserting the same order (two instances during a rebalance).
   */
  async insertIfAbsent(tx: PoolClient, payment: StoredPayment): Promise<boolean> {
    const p = payment.snapshot;
    const values = [
      p.orderId,
      p.paymentId,
      p.amountMinor,
      p.currency,
      p.paymentToken,
      p.validatedAt,
      payment.correlationId,
      payment.causationId,
      ...progressOf(p),
    ];
    const result = await tx.query(
      `insert into payments (${COLUMNS})
       values (${parameters(1, values.length)})
       on conflict (order_id) do nothing`,
      values,
    );
    if (result.rowCount !== 1) return false;
    // Delivered when the transaction commits: the charger starts on it then.
    await tx.query(`notify ${PAYMENTS_DUE_CHANNEL}`);
    return true;
  }

  async find(tx: PoolClient, orderId: string): Promise<StoredPayment | undefined> {
    const { rows } = await tx.query<PaymentRow>(`select ${COLUMNS} from payments where order_id = $1`, [
      orderId,
    ]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /**
   * Locks up to `limit` payments due at `now` whose lease is free or lapsed, the longest
   * waiting first. Rows another charger holds are skipped, so several instances share them.
   */
  async lockDue(tx: PoolClient, now: Date, limit: number): Promise<StoredPayment[]> {
    const { rows } = await tx.query<PaymentRow>(
      `select ${COLUMNS} from payments
        where status = 'CHARGE_DUE' and next_attempt_at <= $1 and (lease_until is null or lease_until <= $1)
        order by next_attempt_at
        for update skip locked
        limit $2`,
      [now, limit],
    );
    return rows.map(fromRow);
  }

  /** The order's payment, locked until `tx` ends. */
  async lock(tx: PoolClient, orderId: string): Promise<StoredPayment | undefined> {
    const { rows } = await tx.query<PaymentRow>(
      `select ${COLUMNS} from payments where order_id = $1 for update`,
      [orderId],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  async save(tx: PoolClient, p: PaymentSnapshot): Promise<void> {
    const progress = progressOf(p);
    await tx.query(
      `update payments set (${PROGRESS_COLUMNS}) = (${parameters(2, progress.length)}), updated_at = now()
        where order_id = $1`,
      [p.orderId, ...progress],
    );
  }

  async dueSummary(pool: Pool): Promise<DueSummary> {
    const { rows } = await pool.query<{ due: number; oldest: Date | null }>(
      `select count(*)::int as due, min(validated_at) as oldest from payments where status = 'CHARGE_DUE'`,
    );
    return { due: rows[0]?.due ?? 0, oldestDueSince: rows[0]?.oldest ?? null };
  }
}

function fromRow(row: PaymentRow): StoredPayment {
  return {
    snapshot: {
      orderId: row.order_id,
      paymentId: row.payment_id,
      amountMinor: Number(row.amount_minor),
      currency: row.currency,
      paymentToken: row.payment_token,
      status: row.status,
      providerReference: row.provider_reference,
      failureReasonCode: row.failure_reason_code,
      failureReason: row.failure_reason,
      attempts: row.attempts,
      version: Number(row.version),
      validatedAt: row.validated_at,
      nextAttemptAt: row.next_attempt_at,
      leaseUntil: row.lease_until,
      callStartedAt: row.call_started_at,
      lastError: row.last_error,
    },
    // Only payments settled before version 2 of the table lack them; those emit nothing more.
    correlationId: row.correlation_id ?? '',
    causationId: row.causation_id ?? '',
  };
}
