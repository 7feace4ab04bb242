import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Product } from '../domain/basket.aggregate';
import { ProductsRepository } from '../db/products.repository';

@ApiTags('catalogue')
@Controller('products')
export class ListProductsController {
  constructor(private readonly products: ProductsRepository) {}

  @Get()
  @ApiOkResponse({
    description: 'Every product: sku, name, priceMinor (minor units of currency), currency',
    schema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          sku: { type: 'string', example: 'SKU-TEA-001' },
          name: { type: 'string', example: 'Sencha green tea, 100 g' },
          priceMinor: { type: 'integer', example: 1250 },
          currency: { type: 'string', example: 'EUR' },
        },
      },
    },
  })
  list(): Promise<Product[]> {
    return this.products.list();
  }
}
