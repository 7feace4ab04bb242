import type { PoolClient } from 'pg';
import {
  Payment,
  type PaymentFailureReason,
  type PaymentSnapshot,
  type PaymentStatus,
} from '../domain/payment.aggregate';

interface PaymentRow {
  order_id: string;
  payment_id: string;
  amount_minor: string;
  currency: string;
  status: PaymentStatus;
  provider_reference: string | null;
  failure_reason_code: PaymentFailureReason | null;
  failure_reason: string | null;
  attempts: number;
  version: string;
}

const COLUMNS =
  'order_id, payment_id, amount_minor, currency, status, provider_reference, failure_reason_code, failure_reason, attempts, version';

export class PaymentsRepository {
  /**
   * The order's payment, locked until `tx` ends; `fresh` is stored first when the order has
   * none. The insert waits on a concurrent transaction that holds the same order's row (two
   * instances handling one order during a rebalance), so only one of them ever charges.
   */
  async lockOrCreate(tx: PoolClient, fresh: Payment): Promise<Payment> {
    const p = fresh.snapshot;
    await tx.query(
      `insert into payments (${COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       on conflict (order_id) do nothing`,
      [
        p.orderId,
        p.paymentId,
        p.amountMinor,
        p.currency,
        p.status,
        p.providerReference,
        p.failureReasonCode,
        p.failureReason,
        p.attempts,
        p.version,
      ],
    );
    const { rows } = await tx.query<PaymentRow>(
      `select ${COLUMNS} from payments where order_id = $1 for update`,
      [p.orderId],
    );
    const row = rows[0];
    if (!row) throw new Error(`payment of order ${p.orderId} vanished inside its transaction`);
    return Payment.restore(toSnapshot(row));
  }

  async save(tx: PoolClient, payment: PaymentSnapshot): Promise<void> {
    await tx.query(
      `update payments
          set status = $2, provider_reference = $3, failure_reason_code = $4, failure_reason = $5,
              attempts = $6, version = $7, updated_at = now()
        where order_id = $1`,
      [
        payment.orderId,
        payment.status,
        payment.providerReference,
        payment.failureReasonCode,
        payment.failureReason,
        payment.attempts,
        payment.version,
      ],
    );
  }
}

function toSnapshot(row: PaymentRow): PaymentSnapshot {
  return {
    orderId: row.order_id,
    paymentId: row.payment_id,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    status: row.status,
    providerReference: row.provider_reference,
    failureReasonCode: row.failure_reason_code,
    failureReason: row.failure_reason,
    attempts: row.attempts,
    version: Number(row.version),
  };
}
