import { runService } from '@order-platform/service-kit';
import { AppModule } from './app.module';
import { configSchema } from './config';

void runService({ configSchema, appModule: (config) => AppModule.register(config) });
