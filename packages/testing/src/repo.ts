import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@order-platform/topology';

/** The monorepo root: the nearest folder upwards holding pnpm-workspace.yaml. */
export function repoRoot(from = __dirname): string {
  return findRepoRoot(from);
}

/** infra/versions.env, the one place the component versions are kept. */
export function componentVersions(root = repoRoot()): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of readFileSync(join(root, 'infra/versions.env'), 'utf8').split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) versions[match[1]] = match[2];
  }
  return versions;
}
