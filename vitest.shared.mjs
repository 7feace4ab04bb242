// One vitest setup for every package: unit specs sit beside the code (`src/**/*.spec.ts`),
// integration specs under `test/**/*.int.spec.ts`, end-to-end specs under `test/**/*.e2e.spec.ts`, the fault suite under `test/**/*.faults.spec.ts`,
// and the system under docker compose under `test/**/*.compose.spec.ts` (it brings up its own stack).
// Each run writes a JSON report to <repo>/.reports so scripts/run-tests.mjs can total them.
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

const repoRoot = dirname(fileURLToPath(import.meta.url));

const layers = {
  unit: { include: ['src/**/*.spec.ts', 'test/**/*.unit.spec.ts'], timeout: 10_000 },
  integration: { include: ['test/**/*.int.spec.ts'], timeout: 180_000 },
  e2e: { include: ['test/**/*.e2e.spec.ts'], timeout: 300_000 },
  // One test per fault: a five-minute outage, the flow around it and the settling after.
  faults: { include: ['test/**/*.faults.spec.ts'], timeout: 900_000 },
  // Building every image cold and starting the stack come first (beforeAll).
  compose: { include: ['test/**/*.compose.spec.ts'], timeout: 1_800_000 },
};

/** @param {{ layer: keyof typeof layers, packageDir: string }} options */
export function vitestConfig({ layer, packageDir }) {
  const { include, timeout } = layers[layer];
  const needsStack = layer !== 'unit' && layer !== 'compose';
  const reportsDir = process.env.REPORTS_DIR ?? join(repoRoot, '.reports');
  return defineConfig({
    plugins: [swc.vite({ module: { type: 'es6' } })],
    // Workspace packages are tested from their TypeScript sources (the "source" export
    // condition), so a test never runs against a stale dist/ build.
    ssr: { resolve: { conditions: ['source', ...defaultServerConditions] } },
    test: {
      root: packageDir,
      include,
      environment: 'node',
      testTimeout: timeout,
      hookTimeout: timeout,
      passWithNoTests: true,
      // Integration tests share one stack and isolate themselves by names, but a 2-core
      // machine gains nothing from running several Kafka-heavy files at once.
      fileParallelism: layer === 'unit',
      globalSetup: needsStack ? [resolve(repoRoot, 'packages/testing/src/global-setup.ts')] : [],
      reporters: ['default', 'json'],
      // A run on the testcontainers stack is reported beside the native one, not over it.
      outputFile: {
        json: join(
          reportsDir,
          `${basename(packageDir)}.${layer}${process.env.ORDER_PLATFORM_STACK === 'testcontainers' ? '.testcontainers' : ''}.json`,
        ),
      },
    },
  });
}
