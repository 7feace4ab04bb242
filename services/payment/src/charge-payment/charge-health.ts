import type { Pool } from 'pg';
import type { PaymentsRepository } from '../db/payments.repository';
import type { PaymentProviderClient } from './payment-provider.client';

/**
 * What /health/ready and /health/metrics tell of charging: the breaker's state and the
 * payments waiting for their outcome. A provider outage shows here, but the service stays
 * ready: it keeps taking orders, which wait as due payments until the provider is back.
 */
export function chargeHealth(pool: Pool, payments: PaymentsRepository, provider: PaymentProviderClient) {
  return async () => {
    const breaker = provider.breakerState;
    try {
      const { due, oldestDueSince } = await payments.dueSummary(pool);
      return { paymentProvider: { breaker, duePayments: due, oldestDueSince } };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { paymentProvider: { breaker, duePayments: null, error: reason } };
    }
  };
}
