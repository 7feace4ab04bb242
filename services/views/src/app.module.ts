import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { PG_POOL, STARTUP_TASKS, serviceModule } from '@order-platform/service-kit';
import type { Pool } from 'pg';
import type { Config } from './config';
import { migrations } from './db/migrations';
import { prepareLiveViews } from './projection/live-views';
import { projectorConsumers } from './projection/projector.consumers';
import { CustomerOrdersController } from './query/customer-orders.controller';
import { DailySalesController } from './query/daily-sales.controller';
import { OrderTimelineController } from './query/order-timeline.controller';
import { ViewsController } from './query/views.controller';

const logger = new Logger('Views');

@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    return serviceModule(AppModule, config, {
      migrations,
      controllers: [OrderTimelineController, CustomerOrdersController, DailySalesController, ViewsController],
      providers: [
        {
          provide: STARTUP_TASKS,
          inject: [PG_POOL],
          useFactory: (pool: Pool) => [
            async () => {
              const report = await prepareLiveViews(pool);
              if (report.created.length > 0)
                logger.log(`created the live tables of ${report.created.join(', ')}`);
              for (const { view, reason } of report.needRebuild) {
                logger.warn(
                  `view ${view} is not projected: ${reason}; rebuild it with "pnpm replay ${view}"`,
                );
              }
            },
          ],
        },
      ],
      consumers: projectorConsumers(config.VIEWS_BATCH_SIZE),
    });
  }
}
