export { baseConfigSchema, loadConfig, ConfigError, type BaseConfig } from './config';
export { PlatformModule } from './platform.module';
export {
  serviceModule,
  sliceConsumers,
  TriggeredBy,
  triggeredBy,
  triggerOf,
  type ServiceModuleOptions,
  type SliceConsumers,
  type Trigger,
  type TriggeredUseCase,
} from './service.module';
export { runService, type RunConfig, type ServiceDefinition } from './run-service';
export { CONFIG, PG_POOL, KAFKA, SCHEMA_REGISTRY, OUTBOX_WRITER } from './tokens';
export {
  CONSUMERS,
  MIGRATIONS,
  STARTUP_TASKS,
  type StartupTask,
  MessagingLifecycle,
  type ConsumerDefinition,
  type MessagingState,
} from './messaging/messaging.lifecycle';
export { InboxHousekeeping } from './housekeeping/inbox-housekeeping';
export { PollLoop, type PollLoopOptions, type PollLogger } from './poll/poll-loop';
export { Poller, type PollerOptions } from './poll/poller';
export { outboxEvent, topicHandler } from './messaging/catalogue-messaging';
export { outgoingEvent, type EventCause, type EventFields, type EventSubject } from './outbox/outgoing-event';
export { readiness, type Readiness, type ReadinessInput } from './health/readiness';
export { HEALTH_DETAILS, type HealthDetails } from './health/health-details';
export { SchemaValidationPipe } from './http/schema-validation.pipe';
export { RequestHeader } from './http/request-header.decorator';
export { textParam, uuidParam } from './http/request-schemas';
