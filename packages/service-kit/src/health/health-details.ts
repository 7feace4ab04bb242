import type { ModuleRef } from '@nestjs/core';

/**
 * A service's own module provides, under this token, an array of functions whose facts the
 * health endpoints add under `details` (payment: its breaker's state and its due payments).
 * They inform and never decide readiness: a service whose dependency is away can be fine.
 */
export const HEALTH_DETAILS = Symbol('HEALTH_DETAILS');

export type HealthDetails = () => Promise<Record<string, unknown>> | Record<string, unknown>;

/** Every provided detail, merged; one that throws is reported under `detailsError`, not raised. */
export async function readHealthDetails(moduleRef: ModuleRef): Promise<Record<string, unknown>> {
  let sources: HealthDetails[];
  try {
    sources = moduleRef.get<HealthDetails[]>(HEALTH_DETAILS, { strict: false });
  } catch {
    return {};
  }
  const read = await Promise.allSettled(sources.map(async (source) => source()));
  const details: Record<string, unknown> = {};
  for (const result of read) {
    if (result.status === 'fulfilled') Object.assign(details, result.value);
    else
      details.detailsError = result.reason instanceof Error ? result.reason.message : String(result.reason);
  }
  return details;
}
