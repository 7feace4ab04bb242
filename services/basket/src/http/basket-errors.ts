import { BadRequestException, ConflictException, UnprocessableEntityException } from '@nestjs/common';
import { BasketError } from '../domain/basket.aggregate';
import { IdempotencyKeyTaken } from '../db/baskets.repository';

/** The HTTP answer to a refusal of the domain; anything else is rethrown as it is. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof IdempotencyKeyTaken) return new ConflictException(error.message);
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
