import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ProcessName, processEnv, processPort, processes } from '@order-platform/topology';
import { type Component, type StackContext, component } from '../component';
import { httpGet } from '../probes';

/**
 * A built Node program of the repo: the payment provider simulator, the six services, the
 * CDC watchdog. Ready when GET /health/ready answers 200. `overrides` are extra settings
 * (tests use them); they stay in force across restarts.
 */
export function nodeService(
  ctx: StackContext,
  name: ProcessName,
  overrides: Record<string, string> = {},
): Component {
  const spec = processes[name];
  const main = join(ctx.repoRoot, spec.main);
  const port = processPort(name, ctx.env);
  return component({
    name,
    kind: 'service',
    ports: [port],
    dependencies: spec.dependencies,
    startTimeoutSeconds: Number(ctx.env.SERVICE_START_TIMEOUT ?? 60),
    identity: () => main,

    install() {
      if (!existsSync(main))
        return Promise.reject(new Error(`${name} is not built: ${main} is missing (pnpm build)`));
      return Promise.resolve();
    },

    start() {
      return Promise.resolve({
        command: process.execPath,
        args: [main],
        cwd: ctx.repoRoot,
        // A service sees exactly the settings it is given, as in a container.
        env: {
          PATH: ctx.env.PATH ?? '/usr/bin:/bin',
          HOME: ctx.env.HOME ?? '/',
          ...processEnv(name, ctx.env),
          ...overrides,
        },
      });
    },

    async ready() {
      return (await httpGet(`http://127.0.0.1:${port}/health/ready`, 2000)) !== undefined;
    },

    info: () => Promise.resolve(`services: ${name} ready on http://127.0.0.1:${port}`),
  });
}

/** Whether a process's dist/main.js exists (an optional one is skipped until it is built). */
export function isBuilt(ctx: StackContext, name: ProcessName): boolean {
  return existsSync(join(ctx.repoRoot, processes[name].main));
}
