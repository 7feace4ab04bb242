export { EventBus, type EventBusStack, type ReadEvent } from './event-bus';
