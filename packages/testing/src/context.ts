import { inject } from 'vitest';
import './global-setup';
import type { StackSettings } from './stack';

/** The stack this run's global setup resolved. */
export function useStack(): StackSettings {
  const stack = inject('stack');
  if (!stack)
    throw new Error('no stack: integration tests run through vitestConfig({ layer: "integration" })');
  return stack;
}
