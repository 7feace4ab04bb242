// The run subpath alone: the package root would load Kafka clients this process never uses.
import { runService } from '@order-platform/service-kit/run';
import { AppModule } from './app.module';
import { configSchema } from './config';

/** Starts the watchdog as every service starts: validated settings, JSON logs, clean SIGTERM. */
void runService({ configSchema, appModule: (config) => AppModule.register(config) });
