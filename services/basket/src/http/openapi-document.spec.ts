import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { beforeAll, describe, expect, it } from 'vitest';
import { BasketsController } from '../baskets/baskets.controller';
import { BasketsHandler } from '../baskets/baskets.handler';
import { CheckOutController } from '../checkout/check-out.controller';
import { CheckOutHandler } from '../checkout/check-out.handler';

@Module({
  controllers: [BasketsController, CheckOutController],
  providers: [
    { provide: BasketsHandler, useValue: {} },
    { provide: CheckOutHandler, useValue: {} },
  ],
})
class ControllersOnly {}

/** The OpenAPI document is made from the same zod schemas the validation pipe checks requests with. */
describe('the OpenAPI document', () => {
  let paths: OpenAPIObject['paths'];

  beforeAll(async () => {
    const app = await NestFactory.create(ControllersOnly, { logger: false });
    paths = SwaggerModule.createDocument(app, new DocumentBuilder().build()).paths;
    await app.close();
  });

  it('describes the basket id as a UUID path parameter', () => {
    expect(paths['/baskets/{basketId}/items/{sku}']?.put?.parameters).toMatchObject([
      { name: 'basketId', in: 'path', schema: { format: 'uuid' } },
      { name: 'sku', in: 'path', schema: { maxLength: 100 } },
    ]);
  });

  it('describes each request body from its schema', () => {
    const body = (path: string) =>
      (paths[path]?.post?.requestBody as { content: Record<string, { schema: unknown }> }).content[
        'application/json'
      ]?.schema;
    expect(body('/baskets')).toMatchObject({ required: ['customerId'], additionalProperties: false });
    expect(body('/baskets/{basketId}/checkout')).toMatchObject({
      required: ['paymentToken', 'email', 'shippingAddress'],
    });
  });
});
