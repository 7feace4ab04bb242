export * from './event-builders';
export * from './order-path';
