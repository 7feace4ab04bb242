export * from './generated';
// The catalogue is public as a whole: its topics, their specs and the types of their events.
export * from './catalogue';
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
