import { repoRoot, useStack } from '@order-platform/testing';
import { describe, expect, it } from 'vitest';
import { checkHistory } from '../src/compat/check-compat';

/**
 * The project's own gate: a schema change that is not BACKWARD compatible with the
 * committed version before it fails the test run (and so CI), with the explanation of
 * which field and what to do (a new …v2 topic and dual publishing) as the message.
 */
describe('the schemas in this repository', () => {
  it('evolve only in BACKWARD compatible steps', async () => {
    const report = await checkHistory({ registryUrl: useStack().schemaRegistryUrl, repoDir: repoRoot() });
    expect(report.ok, report.message).toBe(true);
  });
});
