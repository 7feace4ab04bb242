/** Injection token of the simulator's validated configuration. */
export const PROVIDER_CONFIG = Symbol('PROVIDER_CONFIG');
