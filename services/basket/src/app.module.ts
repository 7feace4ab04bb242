import { type DynamicModule, Module } from '@nestjs/common';
import { CONSUMERS, MIGRATIONS, PlatformModule } from '@order-platform/service-kit';
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
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config)],
      controllers: [ListProductsController, BasketsController, CheckOutController],
      providers: [
        { provide: MIGRATIONS, useValue: migrations },
        // Basket consumes no topic: its commands arrive over HTTP.
        { provide: CONSUMERS, useValue: [] },
        ProductsRepository,
        BasketsRepository,
        BasketsHandler,
        CheckOutHandler,
      ],
    };
  }
}
