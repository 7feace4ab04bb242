export {
  createKafka,
  KafkaClient,
  parseBrokers,
  type KafkaSettings,
  type MessagingLogger,
} from './kafka-client';
export { KafkaAdmin, type GroupPosition, type PartitionOffsets, type TopicSpec } from './admin/kafka-admin';
export { KafkaHealth } from './kafka-health';
export { createSchemaRegistry, type SchemaRegistry, type SchemaRegistryOptions } from './schema-registry';
export {
  outboxConnectorConfig,
  heartbeatTopic,
  OUTBOX_COLUMNS,
  type OutboxConnectorOptions,
} from './cdc/outbox-connector';
export { KafkaConnectClient, type ConnectorStatus } from './cdc/kafka-connect-client';
export { migrateMessaging, MESSAGING_MIGRATIONS } from './inbox/migrations';
export { forgetConsumerGroup } from './inbox/inbox-store';
export { pruneOutbox, pruneTransactions, type PruneOptions } from './inbox/prune';
export { OutboxWriter, type OutboxEvent } from './outbox/outbox-writer';
export { ConsumerRunner, type RunnerStatus } from './consumer/consumer-runner';
export { defaultIdentity } from './consumer/identity';
export {
  type BatchProgress,
  type ConsumedMessage,
  type ConsumerRunnerOptions,
  type MessageIdentity,
  type HandlerContext,
  type RetrySettings,
  type RunnerHooks,
  type TopicHandler,
  type TopicOrdering,
} from './consumer/types';
export { DependencyUnavailableError, PermanentError } from './consumer/errors';
export { routeFailure, type FailureRoute, type FailureStage } from './consumer/failure-routing';
export { withTimeout } from './timeout';
export { backoffDelay, type BackoffSettings } from './consumer/backoff';
export {
  deadLetterTopicName,
  retryTopicName,
  HEADERS as FAILURE_HEADERS,
  historyOf as failureHistoryOf,
  type FailureRecord,
} from './consumer/failure-topics';
export { TransactionalMover, type MoveRequest } from './consumer/transactional-mover';
export type { RunnerMetrics, LatencySnapshot, RunnerCounters } from './consumer/metrics';
export {
  redrive,
  RedriveError,
  type RedriveOptions,
  type RedriveResult,
  type RedrivenMessage,
  type RedriveRecord,
} from './consumer/redrive';
