import { type DynamicModule, Module } from '@nestjs/common';
import { topicHandler } from '@order-platform/contracts';
import { type ConsumerDefinition, CONSUMERS, MIGRATIONS, PlatformModule } from '@order-platform/service-kit';
import { AdvanceDueShipments } from './advance-shipments/advance-due-shipments.handler';
import { ShipmentScheduler } from './advance-shipments/shipment-scheduler';
import type { Config } from './config';
import { CreateShipmentOnOrderConfirmed } from './create-shipment/create-shipment-on-order-confirmed.handler';
import { migrations } from './db/migrations';
import { ShipmentsRepository } from './db/shipments.repository';
import { ShipmentsController } from './get-shipment/shipments.controller';

@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config)],
      controllers: [ShipmentsController],
      providers: [
        { provide: MIGRATIONS, useValue: migrations },
        ShipmentsRepository,
        CreateShipmentOnOrderConfirmed,
        AdvanceDueShipments,
        ShipmentScheduler,
        {
          provide: CONSUMERS,
          inject: [CreateShipmentOnOrderConfirmed],
          useFactory: (createShipment: CreateShipmentOnOrderConfirmed): ConsumerDefinition[] => [
            {
              groupId: 'shipping.create-shipment-on-order-confirmed',
              handlers: [
                topicHandler('order.order-confirmed.v1', ({ tx, event, envelope }) =>
                  createShipment.handle(tx, event, envelope),
                ),
              ],
            },
          ],
        },
      ],
    };
  }
}
