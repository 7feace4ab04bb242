import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findRepoRoot, stackPorts } from '@order-platform/topology';
import type { Component, StackContext } from './component';

export { findRepoRoot };

/** infra/versions.env: NAME=value lines. */
export function parseVersions(text: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] && match[2] !== undefined) versions[match[1]] = match[2];
  }
  return versions;
}

/** The stack directory a STACK_DIR setting names (relative paths are from the repo root). */
export function stackDirOf(env: NodeJS.ProcessEnv, repoRoot = findRepoRoot()): string {
  return resolve(repoRoot, env.STACK_DIR || '.stack');
}

/** Creates the stack's directories and returns its real path. */
export function prepareStackDir(dir: string): string {
  for (const sub of ['data', 'logs', 'run', 'conf']) mkdirSync(join(dir, sub), { recursive: true });
  const real = realpathSync(dir);
  // Runtime state only: keep it out of git wherever STACK_DIR is.
  const ignore = join(real, '.gitignore');
  if (!existsSync(ignore)) writeFileSync(ignore, '# Created by packages/devstack\n*\n');
  return real;
}

export function createContext(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void = () => undefined,
  repoRoot = findRepoRoot(),
): StackContext {
  const versions = parseVersions(readFileSync(join(repoRoot, 'infra/versions.env'), 'utf8'));
  const home = env.HOME ?? '/root';
  return {
    repoRoot,
    stackDir: prepareStackDir(stackDirOf(env, repoRoot)),
    cacheDir: env.ORDER_PLATFORM_CACHE || join(env.XDG_CACHE_HOME || join(home, '.cache'), 'order-platform'),
    env,
    ports: stackPorts(env),
    versions,
    log,
  };
}

/** A version from infra/versions.env; a missing one is an error naming it. */
export function version(ctx: StackContext, name: string): string {
  const value = ctx.versions[name];
  if (!value) throw new Error(`infra/versions.env does not set ${name}`);
  return value;
}

/** pid file and log of a component: services keep the svc- prefix scripts/services.sh used. */
function fileStem(c: Pick<Component, 'name' | 'kind'>): string {
  return c.kind === 'service' ? `svc-${c.name}` : c.name;
}

export function pidFileOf(ctx: StackContext, c: Pick<Component, 'name' | 'kind'>): string {
  return join(ctx.stackDir, 'run', `${fileStem(c)}.pid`);
}

export function logFileOf(ctx: StackContext, c: Pick<Component, 'name' | 'kind'>): string {
  return join(ctx.stackDir, 'logs', `${fileStem(c)}.log`);
}

export function dataDirOf(ctx: StackContext, name: string): string {
  return join(ctx.stackDir, 'data', name);
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
