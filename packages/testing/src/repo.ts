import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The monorepo root: the nearest folder upwards holding pnpm-workspace.yaml. */
export function repoRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no pnpm-workspace.yaml above ${from}`);
    dir = parent;
  }
  return dir;
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
