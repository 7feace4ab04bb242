export { TopicReader, headersOf, type ReadRecord, type TopicReaderOptions } from './topic-reader';
export { TopicWriter, type TopicWriterOptions, type WrittenRecord } from './topic-writer';
export { settled, type GroupTopics } from './settled';
