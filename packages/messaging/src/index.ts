export { createKafka, parseBrokers, type KafkaSettings, type MessagingLogger } from './kafka-client';
export { KafkaHealth } from './kafka-health';
export { ensureTopics } from './topics';
export { outboxConnectorConfig, heartbeatTopic, OUTBOX_COLUMNS, type OutboxConnectorOptions } from './cdc/outbox-connector';
export { KafkaConnectClient, type ConnectorStatus } from './cdc/kafka-connect-client';
