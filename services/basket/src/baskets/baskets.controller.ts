import { Body, Controller, Get, HttpCode, Param, Post, Put, UseFilters } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { textParam, uuidParam } from '@order-platform/service-kit';
import { z } from 'zod';
import { MAX_QUANTITY } from '../domain/basket.aggregate';
import { BasketsHandler } from './baskets.handler';
import { basketViewSchema, type BasketView } from './basket-view';
import { BasketErrorsFilter } from '../http/basket-errors';

export const basketIdParam = uuidParam('a basket id');

export const skuParam = textParam('a SKU', 100);

const openBasketBody = z.strictObject({ customerId: z.string().trim().min(1).max(100) });

// Any number passes here, so that the domain's rule (a whole number 0..100) names the problem.
const setQuantityBody = z.strictObject({
  quantity: z.number().meta({ description: `a whole number from 0 (removes the item) to ${MAX_QUANTITY}` }),
});

@ApiTags('baskets')
@Controller('baskets')
@UseFilters(BasketErrorsFilter)
export class BasketsController {
  constructor(private readonly baskets: BasketsHandler) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({
    description: 'The new, empty basket',
    schema: { type: 'object', properties: { basketId: { type: 'string', format: 'uuid' } } },
  })
  @ApiBadRequestResponse({ description: 'Malformed JSON or a missing or bad customerId' })
  open(
    @Body({ schema: openBasketBody }) body: z.infer<typeof openBasketBody>,
  ): Promise<{ basketId: string }> {
    return this.baskets.open(body.customerId);
  }

  @Get(':basketId')
  @ApiOkResponse({ description: 'The basket', schema: basketViewSchema })
  @ApiBadRequestResponse({ description: 'basketId is not a UUID' })
  @ApiNotFoundResponse({ description: 'No such basket' })
  view(@Param('basketId', { schema: basketIdParam }) basketId: string): Promise<BasketView> {
    return this.baskets.view(basketId);
  }

  @Put(':basketId/items/:sku')
  @ApiOkResponse({ description: 'The basket after the change', schema: basketViewSchema })
  @ApiBadRequestResponse({
    description: 'basketId is not a UUID, or quantity is not a whole number from 0 to 100',
  })
  @ApiNotFoundResponse({ description: 'No such basket, or no such product' })
  @ApiConflictResponse({ description: 'The basket was checked out and cannot change' })
  setQuantity(
    @Param('basketId', { schema: basketIdParam }) basketId: string,
    @Param('sku', { schema: skuParam }) sku: string,
    @Body({ schema: setQuantityBody }) body: z.infer<typeof setQuantityBody>,
  ): Promise<BasketView> {
    return this.baskets.setQuantity(basketId, sku, body.quantity);
  }
}
