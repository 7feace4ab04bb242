#!/usr/bin/env node
// The README's test command: every test layer through turbo, then one plain summary line
// totalled from the JSON reports that each vitest run writes (vitest.shared.mjs), so that
// the last line is the real count: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const reports = process.env.REPORTS_DIR ?? join(root, '.reports');
mkdirSync(reports, { recursive: true });
// Only the JSON reports of earlier runs go: the folder may hold a log being written (.ci/run).
for (const old of readdirSync(reports).filter((f) => f.endsWith('.json'))) rmSync(join(reports, old));

const steps = [
  ['static checks', 'pnpm', ['run', 'format:check']],
  ['static checks', 'pnpm', ['run', 'lint']],
  ['static checks', 'pnpm', ['turbo', 'run', 'typecheck']],
  ['unit tests', 'pnpm', ['turbo', 'run', 'test', '--continue']],
  ['integration tests', 'pnpm', ['turbo', 'run', 'test:int', '--concurrency=1', '--continue']],
  ['end-to-end tests', 'pnpm', ['turbo', 'run', 'test:e2e', '--concurrency=1', '--continue']],
  ['fault-injection tests', 'pnpm', ['turbo', 'run', 'test:faults', '--concurrency=1', '--continue']],
  // The whole system under docker compose, on host ports of its own (skipped without an engine).
  ['compose tests', 'pnpm', ['turbo', 'run', 'test:compose', '--concurrency=1', '--continue']],
];

// The harness's testcontainers path (packages/testing), on the project's own images: the
// messaging integration tests again, where a Docker engine answers.
const engine = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
if (engine || process.env.ORDER_PLATFORM_COMPOSE === 'required') {
  steps.push([
    'integration tests on testcontainers',
    'pnpm',
    ['--filter', '@order-platform/messaging', 'run', 'test:int'],
    { ORDER_PLATFORM_STACK: 'testcontainers' },
  ]);
} else {
  process.stdout.write(
    'no Docker engine answers: the testcontainers run of the messaging tests is left out\n',
  );
}

const failedSteps = [];
for (const [label, command, args, env = {}] of steps) {
  process.stdout.write(`\n=== ${label}: ${command} ${args.join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, REPORTS_DIR: reports, ...env },
  });
  process.stdout.write(
    `=== ${label}: exit ${result.status ?? result.signal} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  if (result.status !== 0) failedSteps.push(`${label} (${args.join(' ')})`);
  // testcontainers' reaper image cannot be pulled here, so the run removes its own containers.
  if (env.ORDER_PLATFORM_STACK === 'testcontainers') {
    const tcLabel = 'label=org.testcontainers=true';
    const ids = spawnSync('docker', ['ps', '-aq', '--filter', tcLabel], { encoding: 'utf8' }).stdout.split(
      '\n',
    );
    if (ids.some(Boolean))
      spawnSync('docker', ['rm', '-f', '-v', ...ids.filter(Boolean)], { stdio: 'ignore' });
    spawnSync('docker', ['network', 'prune', '-f', '--filter', tcLabel], { stdio: 'ignore' });
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
const files = existsSync(reports) ? readdirSync(reports).filter((f) => f.endsWith('.json')) : [];
for (const file of files.sort()) {
  const report = JSON.parse(readFileSync(join(reports, file), 'utf8'));
  // A spec file that fails to load has no test results but does fail: count it.
  const brokenFiles = report.testResults.filter(
    (r) => r.status === 'failed' && r.assertionResults.length === 0,
  ).length;
  passed += report.numPassedTests;
  failed += report.numFailedTests + brokenFiles;
  skipped += report.numPendingTests + report.numTodoTests;
  process.stdout.write(
    `${file.replace(/\.json$/, '').padEnd(40)} ${report.numPassedTests} passed, ${report.numFailedTests + brokenFiles} failed, ${report.numPendingTests + report.numTodoTests} skipped\n`,
  );
}
if (failedSteps.length > 0)
  process.stdout.write(`failed steps:\n${failedSteps.map((s) => `  - ${s}`).join('\n')}\n`);
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failedSteps.length > 0 || failed > 0 || passed === 0 ? 1 : 0);
