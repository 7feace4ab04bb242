#!/usr/bin/env node
/**
 * The system benchmark, against a running system (./dev up):
 *
 *   pnpm bench:system [--rates 5,10,20,40,80] [--step-seconds 30] [--no-ceilings] [--keep-going] [--json file]
 *
 * 1. Idle: every process's CPU while nothing happens.
 * 2. Ceilings, on the same machine in the same run: Postgres (pgbench replaying the SQL of
 *    one order, captured from the services), raw KafkaJS produce and consume on topics
 *    shaped like the live ones, Debezium's lag for a bare insert loop into an outbox.
 * 4. With --rebuild <view>: that view rebuilt from offset 0 (pnpm replay) while checkouts
 *    go on at --rebuild-rate, for as long as the rebuild takes: its events/s, and the live
 *    latencies meanwhile.
 * 3. Steps: checkouts at a fixed rate (open loop) for a set time each, stepping up until the
 *    checkout → CONFIRMED p99 passes --p99-limit or the system stops keeping up. Nothing is
 *    polled while the load runs; afterwards each step's figures come from the services' own
 *    timestamps (commit times of their rows, the broker's append times), and CPU from /proc.
 *
 * Addresses: BASKET_URL …, POSTGRES_ADMIN_URL (a superuser: it reads every service's
 * schema), KAFKA_BROKERS, KAFKA_CONNECT_URL; defaults are the native stack's.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { PlatformClient } from '@order-platform/e2e';
import { createKafka, type KafkaClient } from '@order-platform/messaging';
import { Pool } from 'pg';
import { appendTimes } from './appended';
import { measureCeilings, type Ceilings } from './ceilings';
import { hopsOf, type Hops } from './hops';
import { ensureStock, progressOf, recordsOf } from './lifecycle';
import { runOpenLoop, SKUS } from './open-loop';
import { cpuBetween, sampleCpu, watchedProcesses, type Watched } from './process-cpu';
import {
  printCeilings,
  printIdle,
  printStep,
  stepVerdict,
  type RebuildReport,
  type StepReport,
} from './report';
import { spread } from './stats';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '5,10,20,40,80' },
    'step-seconds': { type: 'string', default: '30' },
    'idle-seconds': { type: 'string', default: '20' },
    token: { type: 'string', default: 'tok_ok' },
    'drain-timeout': { type: 'string', default: '120' },
    'p99-limit': { type: 'string', default: '1000' },
    'backlog-slack': { type: 'string', default: '5000' },
    ceilings: { type: 'boolean', default: true },
    'no-ceilings': { type: 'boolean', default: false },
    'pg-clients': { type: 'string', default: '8' },
    'pg-seconds': { type: 'string', default: '20' },
    'cdc-rate': { type: 'string', default: '200' },
    'keep-going': { type: 'boolean', default: false },
    rebuild: { type: 'string' },
    'rebuild-rate': { type: 'string', default: '10' },
    json: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  process.stdout.write(
    'usage: pnpm bench:system [--rates 5,10,20,40,80] [--step-seconds 30] [--idle-seconds 20] [--token tok_ok]\n' +
      '         [--p99-limit 1000] [--drain-timeout 120] [--no-ceilings] [--pg-clients 8] [--pg-seconds 20]\n' +
      '         [--cdc-rate 200] [--keep-going] [--rebuild order-timeline [--rebuild-rate 10]] [--json results.json]\n' +
      'Steps up through --rates until a step is not sustained (--keep-going runs every step).\n',
  );
  process.exit(0);
}

const number = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    process.stderr.write(`bench:system: --${name} must be a positive number, got "${value}"\n`);
    process.exit(2);
  }
  return n;
};
const rates = (values.rates ?? '').split(',').map((r) => number('rates', r.trim()));
const stepSeconds = number('step-seconds', values['step-seconds']);
const idleSeconds = number('idle-seconds', values['idle-seconds']);
const drainTimeoutMs = number('drain-timeout', values['drain-timeout']) * 1000;
const p99LimitMs = number('p99-limit', values['p99-limit']);
const backlogSlackMs = number('backlog-slack', values['backlog-slack']);

const env = process.env;
const client = new PlatformClient({
  basket: env.BASKET_URL ?? 'http://127.0.0.1:3000',
  order: env.ORDER_URL ?? 'http://127.0.0.1:3001',
  views: env.VIEWS_URL ?? 'http://127.0.0.1:3005',
  provider: env.PAYMENT_PROVIDER_URL ?? 'http://127.0.0.1:3099',
  mailbox: env.MAILBOX_URL ?? 'http://127.0.0.1:1080',
});
const adminUrl = env.POSTGRES_ADMIN_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/platform';
const connectUrl = env.KAFKA_CONNECT_URL ?? 'http://127.0.0.1:8083';
const brokers = (env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const repoRoot = join(__dirname, '..', '..', '..');
const out = (line = '') => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function idleCpu(watched: readonly Watched[]): Promise<Map<string, number>> {
  const before = await sampleCpu(watched);
  await sleep(idleSeconds * 1000);
  const used = cpuBetween(before, await sampleCpu(watched));
  return new Map([...used].map(([name, s]) => [name, s / idleSeconds]));
}

/** Waits until every order finished its lifecycle (or the timeout); when that was, ms. */
async function drain(
  db: Pool,
  orderIds: string[],
): Promise<{ finishedAt: number; finished: number; statuses: Map<string, number> }> {
  const deadline = Date.now() + drainTimeoutMs;
  for (;;) {
    const progress = await progressOf(db, orderIds);
    if (progress.finished >= orderIds.length || Date.now() > deadline)
      return { finishedAt: Date.now(), finished: progress.finished, statuses: progress.statuses };
    await sleep(1000);
  }
}

/** `pnpm replay <view> --restart --json` as a child process: its events and seconds, when it ends. */
function startRebuild(view: string): { done: () => boolean; result: Promise<RebuildReport> } {
  let ended = false;
  const result = new Promise<RebuildReport>((resolve, reject) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'services/views/dist/cli/replay.js'), view, '--restart', '--json'],
      { maxBuffer: 64 * 1024 * 1024, env: process.env },
      (error, stdout, stderr) => {
        ended = true;
        if (error)
          return reject(
            new Error(`pnpm replay ${view} failed: ${stderr.trim().split('\n').at(-1) ?? error.message}`),
          );
        const { events, seconds } = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
          events: number;
          seconds: number;
        };
        resolve({ view, events, seconds, perSecond: events / seconds });
      },
    );
  });
  return { done: () => ended, result };
}

async function step(
  db: Pool,
  kafka: KafkaClient,
  watched: readonly Watched[],
  idle: Map<string, number>,
  rate: number,
  tag: string,
  rebuildView?: string,
): Promise<StepReport> {
  const seconds = rebuildView ? 900 : stepSeconds;
  await ensureStock(db, SKUS, rate * seconds * 2 + 1000);
  const cpuBefore = await sampleCpu(watched);
  const startedAt = Date.now();
  const rebuild = rebuildView ? startRebuild(rebuildView) : undefined;
  const load = await runOpenLoop({
    client,
    ratePerSecond: rate,
    seconds,
    token: values.token,
    tag,
    ...(rebuild ? { stopWhen: rebuild.done } : {}),
  });
  const loadEndedAt = Date.now();
  const orderIds = load.placed.map((p) => p.orderId);
  const { finishedAt, finished, statuses } = await drain(db, orderIds);
  const cpu = cpuBetween(cpuBefore, await sampleCpu(watched));
  const window = (finishedAt - startedAt) / 1000;
  const perOrderMs = new Map(
    [...cpu].map(([name, s]) => [
      name,
      ((s - (idle.get(name) ?? 0) * window) / Math.max(1, orderIds.length)) * 1000,
    ]),
  );
  const records = await recordsOf(db, client, orderIds);
  const appended = await appendTimes(kafka, new Set(orderIds), records.outbox.length);
  const hops: Hops = hopsOf(records, appended);
  return {
    offered: rate,
    seconds: load.seconds,
    accepted: load.placed.length / load.seconds,
    ...(rebuild ? { rebuild: await rebuild.result } : {}),
    placed: load.placed.length,
    failures: load.failures,
    skipped: load.skipped,
    finished,
    statuses,
    drainSeconds: (finishedAt - loadEndedAt) / 1000,
    checkoutHttp: spread(load.placed.map((p) => p.checkoutMs)),
    hops,
    cpuPerOrderMs: perOrderMs,
  };
}

async function main(): Promise<void> {
  const runId = `bench-${Date.now().toString(36)}-${randomBytes(2).toString('hex')}`;
  const db = new Pool({ connectionString: adminUrl, max: 4 });
  const kafka = createKafka({ clientId: runId, brokers });
  const watched = await watchedProcesses(join(repoRoot, 'packages/devstack/dist/cli.js'));
  const results: {
    machine: string;
    idle: Record<string, number>;
    ceilings?: Ceilings;
    steps: StepReport[];
    rebuild?: StepReport;
  } = { machine: await machine(), idle: {}, steps: [] };
  try {
    out(results.machine);
    out(
      `system benchmark ${runId}: steps ${rates.join(', ')} orders/s, ${stepSeconds} s each, token ${values.token}`,
    );
    if (watched.length === 0) out('(no native stack processes found: CPU figures are left out)');
    const idle = await idleCpu(watched);
    results.idle = Object.fromEntries(idle);
    printIdle(out, idle, idleSeconds);

    if (values.ceilings && !values['no-ceilings']) {
      results.ceilings = await measureCeilings({
        adminUrl,
        connectUrl,
        db,
        kafka,
        client,
        logFile: join(repoRoot, '.stack', 'logs', 'postgres.log'),
        pgClients: number('pg-clients', values['pg-clients']),
        pgSeconds: number('pg-seconds', values['pg-seconds']),
        cdcRate: number('cdc-rate', values['cdc-rate']),
        log: out,
      });
      printCeilings(out, results.ceilings);
    }

    let baseline: number | undefined;
    for (const rate of rates) {
      out();
      out(`step: ${rate} orders/s for ${stepSeconds} s …`);
      const report = await step(db, kafka, watched, idle, rate, `${runId}-${rate}`);
      baseline ??= report.hops.checkoutToFinished.p50;
      report.verdict = stepVerdict(report, { p99LimitMs, finishedLimitMs: baseline + backlogSlackMs });
      results.steps.push(report);
      printStep(out, report, results.ceilings);
      if (!report.verdict.sustained && !values['keep-going']) {
        out(`stopping: ${report.verdict.reasons.join('; ')}`);
        break;
      }
    }
    if (values.rebuild) {
      const rate = number('rebuild-rate', values['rebuild-rate']);
      out();
      out(`rebuild: ${values.rebuild} from offset 0 while checkouts go on at ${rate} orders/s …`);
      const report = await step(db, kafka, watched, idle, rate, `${runId}-rebuild`, values.rebuild);
      report.verdict = stepVerdict(report, {
        p99LimitMs,
        finishedLimitMs: (baseline ?? 15_000) + backlogSlackMs,
      });
      results.rebuild = report;
      printStep(out, report, results.ceilings);
    }
    out();
    printSummary(results.steps, results.ceilings);
  } finally {
    await db.end();
  }
  if (values.json) {
    const plain = (_: string, v: unknown): unknown => (v instanceof Map ? Object.fromEntries(v) : v);
    writeFileSync(values.json, JSON.stringify(results, plain, 2));
    out(`figures written to ${values.json}`);
  }
}

/** Cores, CPU model, memory and the commit measured: what a figure needs to be compared. */
async function machine(): Promise<string> {
  const cores = cpus();
  let commit = 'unknown commit';
  try {
    const { stdout } = await promisify(execFile)('git', ['-C', repoRoot, 'rev-parse', '--short', 'HEAD']);
    commit = `commit ${stdout.trim()}`;
  } catch {
    // Not a git checkout (an image): the figures still stand, unlabelled.
  }
  return `machine: ${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${commit}`;
}

function printSummary(steps: StepReport[], ceilings: Ceilings | undefined): void {
  const sustained = steps.filter((s) => s.verdict?.sustained);
  const best = sustained.at(-1);
  out(`highest sustained step: ${best ? `${best.offered} orders/s` : 'none'}`);
  if (best && ceilings?.postgres)
    out(
      `  = ${((best.accepted / ceilings.postgres.ordersPerSecond) * 100).toFixed(0)} % of the Postgres order ceiling (${ceilings.postgres.ordersPerSecond.toFixed(0)} orders/s)`,
    );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:system: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
