/** Injection tokens of the platform module. */
export const CONFIG = Symbol('CONFIG');
export const PG_POOL = Symbol('PG_POOL');
export const KAFKA = Symbol('KAFKA');
export const KAFKA_HEALTH = Symbol('KAFKA_HEALTH');
export const SCHEMA_REGISTRY = Symbol('SCHEMA_REGISTRY');
export const OUTBOX_WRITER = Symbol('OUTBOX_WRITER');
