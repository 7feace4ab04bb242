// The run subpath alone: the package root would load Postgres and Kafka clients too.
import { runService } from '@order-platform/service-kit/run';
import { AppModule } from './app.module';
import { configSchema } from './config';

/** Starts the simulator as every service starts: validated settings, JSON logs, clean SIGTERM. */
void runService({ configSchema, appModule: (config) => AppModule.register(config) });
