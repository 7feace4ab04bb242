import { runService } from '@order-platform/service-kit';
import { AppModule } from './app.module';
import { configSchema } from './config';
import { configureHttp } from './http/http-surface';

void runService({
  configSchema,
  appModule: (config) => AppModule.register(config),
  configure: configureHttp,
});
