import { type DynamicModule, Module } from '@nestjs/common';
import { serviceModule, triggeredBy } from '@order-platform/service-kit';
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
    return serviceModule(AppModule, config, {
      migrations,
      controllers: [ShipmentsController],
      providers: [ShipmentsRepository, AdvanceDueShipments, ShipmentScheduler],
      consumers: [triggeredBy(CreateShipmentOnOrderConfirmed)],
    });
  }
}
