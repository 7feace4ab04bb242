export * from './stack-ports';
export * from './processes';
export * from './repo-root';
export * from './command-settings';
