import { Body, Controller, HttpCode, Param, Post, UseFilters } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiPayloadTooLargeResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { RequestHeader } from '@order-platform/service-kit';
import { z } from 'zod';
import { basketIdParam } from '../baskets/baskets.controller';
import { CheckOutHandler } from './check-out.handler';
import { BasketErrorsFilter } from '../http/basket-errors';

const text = (max: number) => z.string().trim().min(1).max(max);

const checkOutBody = z.strictObject({
  paymentToken: text(200).meta({ description: 'the payment provider’s token, e.g. tok_ok' }),
  email: z.email().max(254),
  shippingAddress: z.strictObject({
    name: text(200).meta({ description: 'recipient' }),
    line1: text(200),
    line2: text(200).nullish(),
    postalCode: text(20),
    city: text(100),
    region: text(100).nullish(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 code such as DE')
      .meta({ description: 'ISO 3166-1 alpha-2 country code' }),
  }),
});

const idempotencyKey = z
  .string({ error: 'the header is required: 1 to 200 characters' })
  .trim()
  .min(1, 'the header is required: 1 to 200 characters')
  .max(200, 'at most 200 characters');

@ApiTags('checkout')
@Controller('baskets/:basketId/checkout')
@UseFilters(BasketErrorsFilter)
export class CheckOutController {
  constructor(private readonly checkOut: CheckOutHandler) {}

  @Post()
  @HttpCode(202)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'Chosen by the client, one per checkout: the same key again answers with the same order',
  })
  @ApiAcceptedResponse({
    description: 'The order is requested (OrderRequested is on its way); its id',
    schema: { type: 'object', properties: { orderId: { type: 'string', format: 'uuid' } } },
  })
  @ApiBadRequestResponse({
    description: 'basketId is not a UUID; no Idempotency-Key; malformed JSON, or a missing or bad field',
  })
  @ApiNotFoundResponse({ description: 'No such basket' })
  @ApiConflictResponse({
    description: 'The basket was checked out under another key, or the key was used for another basket',
  })
  @ApiUnprocessableEntityResponse({ description: 'The basket is empty' })
  @ApiPayloadTooLargeResponse({ description: 'The body is larger than HTTP_BODY_LIMIT_BYTES' })
  async handle(
    @Param('basketId', { schema: basketIdParam }) basketId: string,
    @RequestHeader('Idempotency-Key', { schema: idempotencyKey }) key: z.infer<typeof idempotencyKey>,
    @Body({ schema: checkOutBody }) body: z.infer<typeof checkOutBody>,
  ): Promise<{ orderId: string }> {
    const { shippingAddress: a } = body;
    const { orderId } = await this.checkOut.handle({
      basketId,
      idempotencyKey: key,
      paymentToken: body.paymentToken,
      email: body.email,
      shippingAddress: {
        name: a.name,
        line1: a.line1,
        line2: a.line2 ?? null,
        postalCode: a.postalCode,
        city: a.city,
        region: a.region ?? null,
        country: a.country,
      },
    });
    return { orderId };
  }
}
