import {
  BadRequestException,
  ConflictException,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { IdempotencyKeyTaken } from '../db/baskets.repository';
import { BasketError, type BasketErrorKind, NotFound } from '../domain/basket.aggregate';
import { toHttpError } from './basket-errors';

describe('toHttpError', () => {
  it.each<[BasketErrorKind, new (message: string) => Error]>([
    ['invalid-quantity', BadRequestException],
    ['currency-mismatch', BadRequestException],
    ['checked-out', ConflictException],
    ['empty', UnprocessableEntityException],
  ])('answers a %s refusal with %o, keeping its reason', (kind, type) => {
    const answer = toHttpError(new BasketError(kind, `because ${kind}`));
    expect(answer).toBeInstanceOf(type);
    expect((answer as Error).message).toBe(`because ${kind}`);
  });

  it('answers a key taken by another basket with 409', () => {
    expect(toHttpError(new IdempotencyKeyTaken('taken'))).toBeInstanceOf(ConflictException);
  });

  it('answers a basket or product that does not exist with 404', () => {
    expect(toHttpError(new NotFound('no basket b'))).toBeInstanceOf(NotFoundException);
  });

  it('leaves any other error as it is', () => {
    const error = new Error('connection refused');
    expect(toHttpError(error)).toBe(error);
  });
});
