/** Injection tokens of the platform module. */
export const CONFIG = Symbol('CONFIG');
export const PG_POOL = Symbol('PG_POOL');
export const KAFKA = Symbol('KAFKA');
export const KAFKA_HEALTH = Symbol('KAFKA_HEALTH');
