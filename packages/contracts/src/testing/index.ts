export * from './event-builders';
