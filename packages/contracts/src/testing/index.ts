export * from './event-builders';
export { EventBus, eventually, type EventBusStack, type ReadEvent } from './event-bus';
