export * from './generated';
export {
  DEFAULT_PARTITIONS,
  ENVELOPE_FIELDS,
  TOPICS,
  isTopicName,
  subjectName,
  topicForEventType,
  topicSpec,
  topicsConsumedBy,
  topicsForEventType,
  topicsProducedBy,
  type AnyEvent,
  type ConsumerName,
  type EventEnvelope,
  type EventOf,
  type EventTypeName,
  type ServiceName,
  type TopicName,
  type TopicOrdering,
  type TopicSpec,
} from './catalogue';
export { registerSchemas, type ContractTopic, type RegisteredSchema } from './register/register-contracts';
export {
  checkCompatibility,
  checkHistory,
  type HistoryReport,
  type HistoryStep,
  type CompatCheckOptions,
  type CompatReport,
  type SchemaChange,
  type SchemaChangeStatus,
} from './compat/check-compat';
export { RegistryRest, RegistryError, type CompatibilityLevel } from './registry/registry-rest';
export { newEnvelope } from './publishing';
