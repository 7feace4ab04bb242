import type { ModuleRef } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { HEALTH_DETAILS, type HealthDetails, readHealthDetails } from './health-details';

function moduleRefWith(details?: HealthDetails[]): ModuleRef {
  return {
    get: (token: unknown) => {
      if (token !== HEALTH_DETAILS || !details) throw new Error('not provided');
      return details;
    },
  } as unknown as ModuleRef;
}

describe('readHealthDetails', () => {
  it('is empty when the service provides none', async () => {
    expect(await readHealthDetails(moduleRefWith())).toEqual({});
  });

  it('merges every provided detail, sync or async', async () => {
    const details = await readHealthDetails(
      moduleRefWith([() => ({ breaker: 'open' }), () => Promise.resolve({ duePayments: 3 })]),
    );
    expect(details).toEqual({ breaker: 'open', duePayments: 3 });
  });

  it('reports a failing detail instead of failing the probe', async () => {
    const details = await readHealthDetails(
      moduleRefWith([() => ({ breaker: 'closed' }), () => Promise.reject(new Error('database away'))]),
    );
    expect(details).toEqual({ breaker: 'closed', detailsError: 'database away' });
  });
});
