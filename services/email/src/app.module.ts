import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@order-platform/service-kit';
import type { Config } from './config';

@Module({})
export class AppModule {
  static register(config: Config): DynamicModule {
    return { module: AppModule, imports: [PlatformModule.forRoot(config)] };
  }
}
