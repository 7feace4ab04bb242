export * from './stack-ports';
export * from './processes';
