import { type DynamicModule, Module } from '@nestjs/common';
import { serviceModule } from '@order-platform/service-kit';
import { BasketsController } from './baskets/baskets.controller';
import { BasketsHandler } from './baskets/baskets.handler';
import { ListProductsController } from './catalogue/list-products.controller';
import { CheckOutController } from './checkout/check-out.controller';
import { CheckOutHandler } from './checkout/check-out.handler';
import type { Config } from './config';
import { BasketsRepository } from './db/baskets.repository';
import { migrations } from './db/migrations';
import { ProductsRepository } from './db/products.repository';

@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    // Basket consumes no topic: its commands arrive over HTTP.
    return serviceModule(AppModule, config, {
      migrations,
      controllers: [ListProductsController, BasketsController, CheckOutController],
      providers: [ProductsRepository, BasketsRepository, BasketsHandler, CheckOutHandler],
    });
  }
}
