// Postgres' ceiling in orders/s: the SQL the services ran for one real order, captured from
// the server log, replayed by pgbench as one script per order against a scratch database.
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const execFile = promisify(execFileCallback);

/** One BEGIN..COMMIT (or one autocommit statement) as a service's role ran it, parameters inlined as SQL literals. */
export interface CapturedTransaction {
  user: string;
  statements: string[];
}

/** The SQL of one order end to end, every service's transactions in the order they ran. */
export interface CapturedOrder {
  orderId: string;
  transactions: CapturedTransaction[];
  statements: number;
}

/** What pgbench measured replaying captured orders; one pgbench transaction is one whole order. */
export interface PostgresCeiling {
  ordersPerSecond: number;
  transactionsPerOrder: number;
  statementsPerOrder: number;
  clients: number;
  seconds: number;
  failedOrders: number;
  latencyMsAvg: number;
  command: string;
}

/** The roles the services connect as; everything else in the log (postgres, debezium, the registry) is not an order's work. */
const SERVICE_ROLES = new Set(['basket', 'orders', 'payment', 'shipping', 'email', 'views']);

/** The scratch database: never `platform`, whose outbox tables Debezium publishes to the live services. */
const SCRATCH_DATABASE = 'bench_ceiling';

/**
 * Logging is switched on by a reload, which backends apply between commands: statements of
 * the order's first request could otherwise go unlogged.
 */
const RELOAD_SETTLE_MS = 500;

/** The read side projects the last events (the emails) a moment after the write side is done. */
const TRAILING_WORK_MS = 2_000;

const UUID_PATTERN = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

// ---------------------------------------------------------------------------------------------
// Capture

/**
 * Logs every statement while `placeOrder` runs one order to DELIVERED (with its emails), then
 * keeps the service transactions that belong to that order. Logging is always switched off
 * again, because on a loaded system it writes megabytes a second.
 */
export async function captureOrderSql(options: {
  adminUrl: string;
  logFile: string;
  placeOrder: () => Promise<string>;
}): Promise<CapturedOrder> {
  const admin = new Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    const from = (await stat(options.logFile)).size;
    let orderId: string;
    try {
      await setStatementLogging(admin, true);
      await sleep(RELOAD_SETTLE_MS);
      orderId = await options.placeOrder();
      await sleep(TRAILING_WORK_MS);
    } finally {
      await setStatementLogging(admin, false);
    }
    const transactions = parseOrderTransactions(await readFrom(options.logFile, from), orderId);
    if (transactions.length === 0) {
      throw new Error(
        `no transaction in ${options.logFile} mentions order ${orderId}: is it the server's log?`,
      );
    }
    return { orderId, transactions, statements: countStatements(transactions) };
  } finally {
    await admin.end();
  }
}

async function setStatementLogging(admin: Client, on: boolean): Promise<void> {
  if (on) {
    await admin.query('ALTER SYSTEM SET log_min_duration_statement = 0');
    await admin.query('ALTER SYSTEM SET log_parameter_max_length = -1');
  } else {
    await admin.query('ALTER SYSTEM RESET log_min_duration_statement');
    await admin.query('ALTER SYSTEM RESET log_parameter_max_length');
  }
  await admin.query('SELECT pg_reload_conf()');
}

async function readFrom(file: string, offset: number): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const length = (await handle.stat()).size - offset;
    const buffer = Buffer.alloc(Math.max(0, length));
    await handle.read(buffer, 0, buffer.length, offset);
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

function countStatements(transactions: CapturedTransaction[]): number {
  return transactions.reduce((sum, t) => sum + t.statements.length, 0);
}

// ---------------------------------------------------------------------------------------------
// Log parsing (pure)

interface LogEntry {
  pid: number;
  user: string;
  level: string;
  message: string;
}

interface LoggedStatement {
  pid: number;
  user: string;
  sql: string;
}

// `%m [%p] %q%u@%d `: processes without a session (checkpointer, postmaster) stop after the pid.
const ENTRY_PATTERN =
  /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? \S+ \[(\d+)\] (?:(\S*)@(\S*) )?([A-Z]+\d?): {2}([\s\S]*)$/;
const STATEMENT_PATTERN = /^(?:duration: [\d.]+ ms {2})?(?:statement|execute [^:]*): ([\s\S]*)$/;
const PARAMETERS_PATTERN = /^parameters: ([\s\S]*)$/i;
const PARAMETER_PATTERN = /\$(\d+) = (NULL|'(?:[^']|'')*')/g;

/**
 * The order's transactions in a server log written with log_min_duration_statement = 0:
 * service roles only, in commit order, committed ones that wrote something, and only those
 * that mention the order id or an id (uuid) one of the order's kept transactions mentions.
 */
export function parseOrderTransactions(logText: string, orderId: string): CapturedTransaction[] {
  const statements = loggedStatements(logEntries(logText)).filter((s) => SERVICE_ROLES.has(s.user));
  const writing = committedTransactions(statements).filter((t) => !t.statements.every(isPlainRead));
  return belongingTo(orderId, writing);
}

/** Log lines → entries; a message's further lines are the following lines that start with a tab. */
function logEntries(logText: string): LogEntry[] {
  const entries: LogEntry[] = [];
  let current: LogEntry | undefined;
  for (const line of logText.split('\n')) {
    if (line.startsWith('\t')) {
      if (current) current.message += `\n${line.slice(1)}`;
      continue;
    }
    const match = ENTRY_PATTERN.exec(line);
    current = match
      ? { pid: Number(match[1]), user: match[2] ?? '', level: match[4] ?? '', message: match[5] ?? '' }
      : undefined;
    if (current) entries.push(current);
  }
  return entries;
}

/**
 * Executed statements with their parameters inlined. The extended protocol logs parse, bind
 * and execute for one statement; only execute (or a simple query's `statement:`) ran it, and
 * the `parameters:` DETAIL right after it holds its values.
 */
function loggedStatements(entries: LogEntry[]): LoggedStatement[] {
  const statements: LoggedStatement[] = [];
  const awaitingParameters = new Map<number, LoggedStatement>();
  for (const entry of entries) {
    if (entry.level === 'DETAIL') {
      const pending = awaitingParameters.get(entry.pid);
      const parameters = PARAMETERS_PATTERN.exec(entry.message);
      if (pending && parameters) pending.sql = inlineParameters(pending.sql, parameters[1] ?? '');
      awaitingParameters.delete(entry.pid);
      continue;
    }
    awaitingParameters.delete(entry.pid);
    if (entry.level !== 'LOG') continue;
    const match = STATEMENT_PATTERN.exec(entry.message);
    if (!match) continue;
    const statement = { pid: entry.pid, user: entry.user, sql: (match[1] ?? '').trim() };
    statements.push(statement);
    awaitingParameters.set(entry.pid, statement);
  }
  return statements;
}

/**
 * `$n` placeholders (outside literals, quoted identifiers and comments) replaced by the logged
 * values, which the server already writes as SQL literals: quoted, quotes doubled, or NULL.
 */
export function inlineParameters(sql: string, parameterList: string): string {
  const values = new Map<string, string>();
  for (const [, index, value] of parameterList.matchAll(PARAMETER_PATTERN)) {
    if (index !== undefined && value !== undefined) values.set(index, value);
  }
  return sql.replace(
    /'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\/\*[\s\S]*?\*\/|\$(\d+)/g,
    (token, index: string | undefined) => (index === undefined ? token : (values.get(index) ?? token)),
  );
}

/**
 * Statements grouped into transactions per backend. Rolled-back transactions are dropped:
 * their work did not last and the statement that failed them is not in the log.
 */
function committedTransactions(statements: LoggedStatement[]): CapturedTransaction[] {
  // In commit order: that is when a service's work became visible to the next hop.
  const committed: CapturedTransaction[] = [];
  const open = new Map<number, CapturedTransaction>();
  for (const { pid, user, sql } of statements) {
    const kind = transactionControl(sql);
    const current = open.get(pid);
    if (kind === 'begin') {
      open.set(pid, { user, statements: [] });
    } else if (kind === 'commit' || kind === 'rollback') {
      open.delete(pid);
      if (kind === 'commit' && current && current.statements.length > 0) committed.push(current);
    } else if (current) {
      current.statements.push(sql);
    } else {
      committed.push({ user, statements: [sql] });
    }
  }
  return committed;
}

/**
 * A read that changes and locks nothing. Transactions of nothing else are the HTTP reads of
 * whoever waits for the order (a client polling GET /orders/:id every 200 ms, the order page):
 * their number measures the waiting, not the order.
 */
function isPlainRead(sql: string): boolean {
  const code = sql.replace(/'(?:[^']|'')*'/g, "''");
  return (
    /^\s*(select|with|show|values|table)\b/i.test(code) &&
    !/\bfor\s+(update|share|no\s+key\s+update|key\s+share)\b/i.test(code) &&
    !/\b(insert|update|delete|merge|nextval|setval|pg_advisory\w*)\b/i.test(code)
  );
}

function transactionControl(sql: string): 'begin' | 'commit' | 'rollback' | undefined {
  const normalized = sql.toLowerCase().replace(/;\s*$/, '').trim();
  if (/^(begin|start transaction)\b/.test(normalized)) return 'begin';
  if (/^(commit|end)( work| transaction)?$/.test(normalized)) return 'commit';
  if (/^(rollback|abort)( work| transaction)?$/.test(normalized)) return 'rollback';
  return undefined;
}

/**
 * The transactions of one order: those that mention its id, then, to a fixed point, those that
 * mention an id a kept transaction mentions (a basket, a payment, a message). Pollers' empty
 * selects and health checks mention none and fall away.
 */
function belongingTo(orderId: string, transactions: CapturedTransaction[]): CapturedTransaction[] {
  const ids = transactions.map((t) => uuidsIn(t.statements.join('\n')));
  const known = new Set([orderId.toLowerCase()]);
  const kept = new Set<number>();
  let grew = true;
  while (grew) {
    grew = false;
    ids.forEach((mentioned, index) => {
      if (kept.has(index) || ![...mentioned].some((id) => known.has(id))) return;
      kept.add(index);
      mentioned.forEach((id) => known.add(id));
      grew = true;
    });
  }
  return transactions.filter((_, index) => kept.has(index));
}

function uuidsIn(text: string): Set<string> {
  return new Set([...text.matchAll(UUID_PATTERN)].map(([id]) => id.toLowerCase()));
}

// ---------------------------------------------------------------------------------------------
// Replay script (pure)

/**
 * The pgbench script for one order: each captured transaction in capture order under its
 * role's search_path, every uuid replaced by a fresh one per execution (pgbench -M simple
 * substitutes `:uN` textually, inside literals too), so that replays never collide on keys.
 */
export function pgbenchScript(order: CapturedOrder, searchPaths: ReadonlyMap<string, string>): string {
  const names = new Map<string, string>();
  for (const id of uuidsIn(order.transactions.flatMap((t) => t.statements).join('\n'))) {
    names.set(id, `u${names.size + 1}`);
  }
  const lines: string[] = [];
  if (names.size > 0) {
    const columns = [...names.values()].map((name) => `gen_random_uuid() AS ${name}`);
    lines.push(`SELECT ${columns.join(', ')} \\gset`);
  }
  for (const transaction of order.transactions) {
    lines.push(
      'BEGIN;',
      `SET LOCAL search_path TO ${searchPaths.get(transaction.user) ?? transaction.user};`,
    );
    for (const statement of transaction.statements) {
      const templated = statement.replace(UUID_PATTERN, (id) => `:${names.get(id.toLowerCase()) ?? id}`);
      lines.push(`${templated.replace(/;\s*$/, '')};`);
    }
    lines.push('COMMIT;');
  }
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Replay

/**
 * Replays the captured order with pgbench, one script execution per order, so pgbench's tps is
 * orders/s. Runs against a scratch copy of the schemas, never `platform`: replayed outbox
 * inserts there would become real events that the live services consume.
 */
export async function postgresOrderCeiling(options: {
  adminUrl: string;
  order: CapturedOrder;
  clients?: number;
  seconds?: number;
  pgbinDir?: string;
}): Promise<PostgresCeiling> {
  const clients = options.clients ?? 8;
  const seconds = options.seconds ?? 20;
  const bin = await postgresBinDir(options.pgbinDir);
  const sourceUrl = new URL(options.adminUrl);
  const scratchUrl = withDatabase(sourceUrl, SCRATCH_DATABASE);
  const workDir = await mkdtemp(join(tmpdir(), 'postgres-ceiling-'));
  const admin = new Client({ connectionString: options.adminUrl });
  await admin.connect();
  try {
    const searchPaths = await roleSearchPaths(admin, [
      ...new Set(options.order.transactions.map((t) => t.user)),
    ]);
    await recreateDatabase(admin, SCRATCH_DATABASE);
    await copySchemas(bin, workDir, sourceUrl, scratchUrl, [...new Set(searchPaths.values())]);
    await copyReferenceTables(bin, sourceUrl, scratchUrl, referenceTables(options.order, searchPaths));
    await giveStockHeadroom(scratchUrl);
    const script = join(workDir, 'order.sql');
    await writeFile(script, pgbenchScript(options.order, searchPaths));
    const args = [
      '-n',
      '-M',
      'simple',
      '-c',
      String(clients),
      '-j',
      String(Math.min(2, clients)),
      '-T',
      String(seconds),
    ];
    // Concurrent orders can deadlock on shared rows (stock, the views' positions); the services
    // retry such a transaction (the message is redelivered), so pgbench does too.
    args.push('--max-tries=10', '--failures-detailed', '-f', script, scratchUrl.toString());
    const result = parsePgbenchOutput(await runPgbench(join(bin, 'pgbench'), args));
    return {
      ...result,
      transactionsPerOrder: options.order.transactions.length,
      statementsPerOrder: options.order.statements,
      clients,
      seconds,
      command: ['pgbench', ...args].join(' ').replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@'),
    };
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${SCRATCH_DATABASE} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** pgbinDir, else `pg_config --bindir`, else the newest Debian /usr/lib/postgresql/<n>/bin. */
async function postgresBinDir(pgbinDir: string | undefined): Promise<string> {
  if (pgbinDir) return pgbinDir;
  try {
    return (await execFile('pg_config', ['--bindir'])).stdout.trim();
  } catch {
    const versions = (await readdir('/usr/lib/postgresql').catch(() => [] as string[]))
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] === undefined) throw new Error('no Postgres binaries: pass pgbinDir (where pgbench is)');
    return `/usr/lib/postgresql/${versions[0]}/bin`;
  }
}

function withDatabase(url: URL, database: string): URL {
  const copy = new URL(url.toString());
  copy.pathname = `/${database}`;
  return copy;
}

/** Each role's search_path as its role configuration sets it (the services rely on it, not on qualified names). */
async function roleSearchPaths(admin: Client, roles: string[]): Promise<Map<string, string>> {
  const { rows } = await admin.query<{ rolname: string; rolconfig: string[] | null }>(
    'SELECT rolname, rolconfig FROM pg_roles WHERE rolname = ANY($1)',
    [roles],
  );
  const paths = new Map(roles.map((role) => [role, role]));
  for (const { rolname, rolconfig } of rows) {
    const setting = rolconfig?.find((c) => c.startsWith('search_path='));
    if (setting) paths.set(rolname, setting.slice('search_path='.length));
  }
  return paths;
}

async function recreateDatabase(admin: Client, database: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${database}`);
}

/** The services' schemas (tables, indexes, constraints); roles are cluster-wide and already exist. */
async function copySchemas(
  bin: string,
  workDir: string,
  source: URL,
  target: URL,
  schemas: string[],
): Promise<void> {
  const dump = join(workDir, 'schema.sql');
  const schemaArgs = schemas.flatMap((s) => ['-n', s]);
  await execFile(join(bin, 'pg_dump'), [
    '--schema-only',
    '--no-publications',
    '--no-subscriptions',
    ...schemaArgs,
    '-f',
    dump,
    source.toString(),
  ]);
  await execFile(join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', dump, target.toString()]);
}

/**
 * Tables the order reads or updates but never inserts into (products, stock): without their rows
 * the replay's lookups find nothing and its stock updates touch nothing.
 */
// `for update` and `on conflict do update` lock or upsert, they name no table.
const TABLE_REFERENCE = /\b(delete\s+from|from|join|(?<!\b(?:for|do)\s+)update|into)\s+([a-z_][a-z0-9_.]*)/gi;

export function referenceTables(order: CapturedOrder, searchPaths: ReadonlyMap<string, string>): string[] {
  const used = new Set<string>();
  const inserted = new Set<string>();
  for (const { user, statements } of order.transactions) {
    const schema = searchPaths.get(user) ?? user;
    for (const sql of statements) {
      for (const [, verb, table] of sql.matchAll(TABLE_REFERENCE)) {
        if (!verb || !table) continue;
        const qualified = table.includes('.') ? table.toLowerCase() : `${schema}.${table.toLowerCase()}`;
        (/^(into|delete)/i.test(verb) ? inserted : used).add(qualified);
      }
    }
  }
  return [...used].filter((t) => !inserted.has(t)).sort();
}

async function copyReferenceTables(bin: string, source: URL, target: URL, tables: string[]): Promise<void> {
  const client = new Client({ connectionString: source.toString() });
  await client.connect();
  const existing = await client
    .query<{ name: string }>(
      'SELECT name FROM unnest($1::text[]) AS name WHERE to_regclass(name) IS NOT NULL',
      [tables],
    )
    .finally(() => client.end());
  if (existing.rows.length === 0) return;
  const tableArgs = existing.rows.flatMap(({ name }) => ['-t', name]);
  const { stdout } = await execFile(join(bin, 'pg_dump'), ['--data-only', ...tableArgs, source.toString()], {
    maxBuffer: 256 * 1024 * 1024,
  });
  const psql = execFile(join(bin, 'psql'), ['-X', '-q', '-v', 'ON_ERROR_STOP=1', target.toString()]);
  psql.child.stdin?.end(stdout);
  await psql;
}

/**
 * Each replayed order reserves stock as the real one did; a run replays thousands, which would
 * exhaust the copied stock and turn the reservation into a no-op.
 */
async function giveStockHeadroom(scratch: URL): Promise<void> {
  const client = new Client({ connectionString: scratch.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ found: boolean }>(
      "SELECT to_regclass('orders.stock') IS NOT NULL AS found",
    );
    if (rows[0]?.found) {
      await client.query('UPDATE orders.stock SET available = greatest(available, 1000000000)');
    }
  } finally {
    await client.end();
  }
}

/** pgbench's stdout; it exits non-zero when a client aborted on an error, which is a broken replay. */
async function runPgbench(pgbench: string, args: string[]): Promise<string> {
  try {
    return (await execFile(pgbench, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    const firstError = stderr?.split('\n').find((l) => /error|abort/i.test(l)) ?? String(error);
    throw new Error(`pgbench failed replaying the order: ${firstError}`, { cause: error });
  }
}

/** tps (without initial connection time), average latency and failed transactions from pgbench's summary. */
export function parsePgbenchOutput(
  stdout: string,
): Pick<PostgresCeiling, 'ordersPerSecond' | 'latencyMsAvg' | 'failedOrders'> {
  const number = (pattern: RegExp): number | undefined => {
    const match = pattern.exec(stdout);
    return match?.[1] === undefined ? undefined : Number(match[1]);
  };
  const ordersPerSecond = number(/^tps = ([\d.]+)/m);
  const latencyMsAvg = number(/^latency average = ([\d.]+) ms/m);
  if (ordersPerSecond === undefined || latencyMsAvg === undefined) {
    throw new Error(`unexpected pgbench output:\n${stdout}`);
  }
  return {
    ordersPerSecond,
    latencyMsAvg,
    failedOrders: number(/^number of failed transactions: (\d+)/m) ?? 0,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
