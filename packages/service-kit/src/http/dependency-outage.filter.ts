import { type ArgumentsHost, Catch, HttpStatus } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { DependencyUnavailableError } from '@order-platform/messaging';
import { postgresOutageReason } from '@order-platform/postgres';

/** What a client is told to wait before it tries again while a dependency is down. */
const RETRY_AFTER_SECONDS = 2;

/** The dependency an error says is down, if it says so. */
export function outageOf(error: unknown): string | undefined {
  if (error instanceof DependencyUnavailableError) return error.dependency;
  return postgresOutageReason(error, true) === undefined ? undefined : 'database';
}

/**
 * A request that failed because a dependency is down (Postgres restarting, say) answers
 * 503 with the reason and Retry-After, not 500: nothing is wrong with the request, and the
 * client may send it again (checkout with the same Idempotency-Key). Every other error goes
 * to Nest's own handling unchanged.
 */
@Catch()
export class DependencyOutageFilter extends BaseExceptionFilter {
  override catch(error: unknown, host: ArgumentsHost): void {
    const dependency = host.getType() === 'http' ? outageOf(error) : undefined;
    if (dependency === undefined) {
      super.catch(error, host);
      return;
    }
    const response = host.switchToHttp().getResponse<Response>();
    response
      .status(HttpStatus.SERVICE_UNAVAILABLE)
      .setHeader('Retry-After', String(RETRY_AFTER_SECONDS))
      .json({
        statusCode: HttpStatus.SERVICE_UNAVAILABLE,
        error: 'Service Unavailable',
        message: `the ${dependency} is unavailable for a moment; try again shortly`,
        dependency,
      });
  }
}
