export { baseConfigSchema, loadConfig, ConfigError, type BaseConfig } from './config';
export { PlatformModule } from './platform.module';
export { runService, type RunConfig, type ServiceDefinition } from './run-service';
export { CONFIG, PG_POOL, KAFKA } from './tokens';
