import { type DynamicModule, Module } from '@nestjs/common';
import { topicHandler } from '@order-platform/contracts';
import { CONSUMERS, type ConsumerDefinition, MIGRATIONS, PlatformModule } from '@order-platform/service-kit';
import { CancelOrderOnPaymentFailed } from './cancel-order/cancel-order-on-payment-failed.handler';
import type { Config } from './config';
import { ConfirmOrderOnPaymentProcessed } from './confirm-order/confirm-order-on-payment-processed.handler';
import { migrations } from './db/migrations';
import { OrdersRepository } from './db/orders.repository';
import { StockRepository } from './db/stock.repository';
import { GetOrderController } from './get-order/get-order.controller';
import { StockAdminController } from './stock-admin/stock-admin.controller';
import { RecordDeliveryOnOrderDelivered } from './track-shipment/record-delivery-on-order-delivered.handler';
import { TrackShipmentOnStatusChanged } from './track-shipment/track-shipment-on-status-changed.handler';
import { ValidateOrderOnOrderRequested } from './validate-order/validate-order-on-order-requested.handler';

const useCases = [
  ValidateOrderOnOrderRequested,
  ConfirmOrderOnPaymentProcessed,
  CancelOrderOnPaymentFailed,
  TrackShipmentOnStatusChanged,
  RecordDeliveryOnOrderDelivered,
] as const;

@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(config)],
      controllers: [GetOrderController, StockAdminController],
      providers: [
        { provide: MIGRATIONS, useValue: migrations },
        OrdersRepository,
        StockRepository,
        ...useCases,
        {
          provide: CONSUMERS,
          inject: [...useCases],
          useFactory: (
            validate: ValidateOrderOnOrderRequested,
            confirm: ConfirmOrderOnPaymentProcessed,
            cancel: CancelOrderOnPaymentFailed,
            track: TrackShipmentOnStatusChanged,
            deliver: RecordDeliveryOnOrderDelivered,
          ): ConsumerDefinition[] => [
            {
              groupId: 'order.validate-order-on-order-requested',
              handlers: [
                topicHandler('basket.order-requested.v1', ({ tx, event }) => validate.handle(tx, event)),
              ],
            },
            {
              groupId: 'order.confirm-order-on-payment-processed',
              handlers: [
                topicHandler('payment.payment-processed.v1', ({ tx, event }) => confirm.handle(tx, event)),
              ],
            },
            {
              groupId: 'order.cancel-order-on-payment-failed',
              handlers: [
                topicHandler('payment.payment-failed.v1', ({ tx, event }) => cancel.handle(tx, event)),
              ],
            },
            {
              groupId: 'order.track-shipment-on-status-changed',
              handlers: [
                topicHandler('shipping.shipment-status-changed.v1', ({ tx, event }) =>
                  track.handle(tx, event),
                ),
              ],
            },
            {
              groupId: 'order.record-delivery-on-order-delivered',
              handlers: [
                topicHandler('shipping.order-delivered.v1', ({ tx, event }) => deliver.handle(tx, event)),
              ],
            },
          ],
        },
      ],
    };
  }
}
