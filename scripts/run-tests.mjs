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
];

const failedSteps = [];
for (const [label, command, args] of steps) {
  process.stdout.write(`\n=== ${label}: ${command} ${args.join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, REPORTS_DIR: reports },
  });
  process.stdout.write(
    `=== ${label}: exit ${result.status ?? result.signal} after ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  if (result.status !== 0) failedSteps.push(`${label} (${args.join(' ')})`);
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
