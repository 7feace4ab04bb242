import type { TestProject } from 'vitest/node';
import { resolveStack, type StackSettings } from './stack';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackSettings;
  }
}

/** vitest globalSetup for integration and end-to-end runs: one stack, resolved once. */
export default async function setup(project: TestProject): Promise<void> {
  const stack = await resolveStack();
  process.stdout.write(
    `test stack: ${stack.mode} (kafka ${stack.kafkaBrokers.join(',')}, connect ${stack.connectUrl})\n`,
  );
  project.provide('stack', stack);
}
