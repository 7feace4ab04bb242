#!/usr/bin/env node
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { checkCompatibility, checkHistory } from '../compat/check-compat';
import { commandSettings, runCommand } from '@order-platform/topology';
import { registryUrl } from './settings';

const usage =
  'usage: contracts-check-compat [--base <git revision, default HEAD> | --history] [--schemas <folder, default schemas>]';

runCommand('contracts-check-compat', async () => {
  const { values } = parseArgs({
    options: {
      base: { type: 'string', default: 'HEAD' },
      history: { type: 'boolean' },
      schemas: { type: 'string', default: 'schemas' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(
      `${usage}\nEvery schema that differs from its version at the base revision must be BACKWARD compatible with it (checked by the registry at SCHEMA_REGISTRY_URL).\nWith --history, every committed step of every schema is checked against the step before it.\n`,
    );
    return;
  }
  const env = commandSettings({ SCHEMA_REGISTRY_URL: registryUrl });
  // The work tree around the current directory: pnpm --filter runs this inside the package.
  const repoDir = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
  if (values.history) {
    const history = await checkHistory({
      registryUrl: env.SCHEMA_REGISTRY_URL,
      repoDir,
      schemasDir: values.schemas,
    });
    if (!history.ok) throw new Error(history.message);
    process.stdout.write(`${history.message}\n`);
    return;
  }
  const report = await checkCompatibility({
    registryUrl: env.SCHEMA_REGISTRY_URL,
    repoDir,
    base: values.base,
    schemasDir: values.schemas,
  });
  if (!report.ok) throw new Error(report.message);
  process.stdout.write(`${report.message}\n`);
});
