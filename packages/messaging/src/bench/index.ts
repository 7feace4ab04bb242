export { kafkaCeiling, type KafkaCeiling, type KafkaCeilingOptions } from './kafka-ceiling';
