#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { formatProgress, type ReplayProgress } from '../replay/progress';
import { replay, ReplayBusyError, type ReplayPlan, type ReplayResult } from '../replay/replay';
import { VIEWS, viewNamed } from '../views/catalog';
import { replayDependencies } from './settings';

const USAGE = `usage: pnpm replay <view> [--dry-run] [--restart] [--batch-size n] [--json]
  views: ${VIEWS.map((v) => v.name).join(', ')}
  Rebuilds the view from offset 0 into new tables while the live ones serve, then swaps
  them in. Interrupted (Ctrl-C), it resumes where it stopped when run again.
  --dry-run     say what a rebuild would do; change nothing
  --restart     discard an interrupted rebuild and start again from offset 0
  --batch-size  records per Postgres transaction (default 200)
  --json        print the result as JSON on stdout`;

const EXIT = { ok: 0, failed: 1, usage: 2, busy: 3, interrupted: 130 } as const;

const number = new Intl.NumberFormat('en-US');

function describePlan(plan: ReplayPlan, running: boolean): string {
  const behind = plan.partitions.filter((p) => p.rebuilt < p.live).length;
  return [
    `view ${plan.view}: code version ${plan.codeVersion}, live tables ${
      plan.liveVersion === null ? 'none' : `built by version ${plan.liveVersion}`
    }`,
    running
      ? 'a replay of this view is running now: a real run would be refused'
      : plan.mode === 'resume'
        ? `would resume the interrupted rebuild ${plan.runId}: ${number.format(plan.recordsDone)} of ${number.format(plan.recordsTotal)} records already read`
        : `would start from offset 0 (consumer group ${plan.group})`,
    `would read ${number.format(plan.recordsTotal - plan.recordsDone)} records from ${plan.partitions.length} partitions of ${
      new Set(plan.partitions.map((p) => p.topic)).size
    } topics (up to their current ends, then on to the live view's position)`,
    `would build ${plan.buildTables.join(', ')}`,
    `then in one transaction replace ${plan.replaceTables.join(', ')} and drop the old tables`,
    `${behind} partition(s) where the live view is ahead of the rebuild so far`,
  ].join('\n');
}

function summary(result: ReplayResult): string {
  if (result.outcome === 'dry-run') return describePlan(result.plan, result.running);
  const rate = result.seconds > 0 ? result.events / result.seconds : 0;
  if (result.outcome === 'interrupted') {
    return `${result.plan.view}: interrupted after ${number.format(result.events)} events; run "pnpm replay ${result.plan.view}" again to resume`;
  }
  return `${result.plan.view} rebuilt and swapped in: ${number.format(result.events)} events in ${result.seconds.toFixed(1)} s (${number.format(Math.round(rate))} events/s)`;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        'dry-run': { type: 'boolean', default: false },
        restart: { type: 'boolean', default: false },
        'batch-size': { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return EXIT.usage;
  }
  let view;
  try {
    view = viewNamed(positionals[0]!);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return EXIT.usage;
  }
  const batchSize = values['batch-size'] === undefined ? 200 : Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 5000) {
    process.stderr.write(
      `--batch-size must be a whole number from 1 to 5000, got "${values['batch-size']}"\n`,
    );
    return EXIT.usage;
  }

  const partitionsConcurrently = 4;
  const deps = replayDependencies(process.env, partitionsConcurrently + 3);
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write(`\n${signal}: stopping after the records in hand (again to quit at once)\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  const onProgress = (progress: ReplayProgress) => {
    const line = formatProgress(view.name, progress);
    if (tty) {
      process.stderr.write(`\r${line}\x1b[K`);
      if (progress.phase === 'done') process.stderr.write('\n');
    } else if (progress.phase === 'done' || Date.now() - lastLine >= 5000) {
      lastLine = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
  try {
    await deps.migrate();
    const result = await replay(deps, {
      view,
      dryRun: values['dry-run'],
      restart: values.restart,
      batchSize,
      partitionsConcurrently,
      onProgress,
      signal: abort.signal,
    });
    if (tty && result.outcome === 'interrupted') process.stderr.write('\n');
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${summary(result)}\n`);
    return result.outcome === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  } catch (error) {
    if (tty) process.stderr.write('\n');
    process.stderr.write(`replay ${view.name}: ${(error as Error).message}\n`);
    return error instanceof ReplayBusyError ? EXIT.busy : EXIT.failed;
  } finally {
    await deps.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
