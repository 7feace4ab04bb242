import { type DynamicModule, Module } from '@nestjs/common';
import { serviceModule, triggeredBy } from '@order-platform/service-kit';
import { CancelOrderOnPaymentFailed } from './cancel-order/cancel-order-on-payment-failed.handler';
import type { Config } from './config';
import { ConfirmOrderOnPaymentProcessed } from './confirm-order/confirm-order-on-payment-processed.handler';
import { migrations } from './db/migrations';
import { OrdersRepository } from './db/orders.repository';
import { StockRepository } from './db/stock.repository';
import { GetOrderController } from './get-order/get-order.controller';
import { OrderChanges } from './order-events/order-changes';
import { StockAdminController } from './stock-admin/stock-admin.controller';
import { RecordDeliveryOnOrderDelivered } from './track-shipment/record-delivery-on-order-delivered.handler';
import { TrackShipmentOnStatusChanged } from './track-shipment/track-shipment-on-status-changed.handler';
import { ValidateOrderOnOrderRequested } from './validate-order/validate-order-on-order-requested.handler';

@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    return serviceModule(AppModule, config, {
      migrations,
      controllers: [GetOrderController, StockAdminController],
      providers: [OrdersRepository, StockRepository, OrderChanges],
      // Each use case's class says which topic runs it, in which consumer group.
      consumers: [
        triggeredBy(ValidateOrderOnOrderRequested),
        triggeredBy(ConfirmOrderOnPaymentProcessed),
        triggeredBy(CancelOrderOnPaymentFailed),
        triggeredBy(TrackShipmentOnStatusChanged),
        triggeredBy(RecordDeliveryOnOrderDelivered),
      ],
    });
  }
}
