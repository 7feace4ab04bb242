import {
  type ArgumentsHost,
  BadRequestException,
  Catch,
  ConflictException,
  type ExceptionFilter,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Response } from 'express';
import { IdempotencyKeyTaken } from '../db/baskets.repository';
import { BasketError, NotFound } from '../domain/basket.aggregate';

/** The HTTP answer to a refusal of the domain; anything else is rethrown as it is. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof IdempotencyKeyTaken) return new ConflictException(error.message);
  if (error instanceof NotFound) return new NotFoundException(error.message);
  if (!(error instanceof BasketError)) return error;
  switch (error.kind) {
    case 'invalid-quantity':
    case 'currency-mismatch':
      return new BadRequestException(error.message);
    case 'checked-out':
      return new ConflictException(error.message);
    case 'empty':
      return new UnprocessableEntityException(error.message);
  }
}

/**
 * The one place where the basket's domain errors become HTTP answers (on its controllers,
 * `@UseFilters(BasketErrorsFilter)`): the use cases throw plain domain errors.
 */
@Catch(BasketError, IdempotencyKeyTaken, NotFound)
export class BasketErrorsFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const answer = toHttpError(error) as ConflictException;
    host.switchToHttp().getResponse<Response>().status(answer.getStatus()).json(answer.getResponse());
  }
}
