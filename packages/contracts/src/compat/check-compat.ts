import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Type, type Schema } from 'avsc';
import { RegistryError, RegistryRest } from '../registry/registry-rest';
import { explainDiffs } from './explain';

export interface CompatCheckOptions {
  /** The schema registry's Confluent-compatible API root, e.g. http://127.0.0.1:8080/apis/ccompat/v7. */
  registryUrl: string;
  /** The git work tree that holds the schemas. */
  repoDir: string;
  /** The schema folder, relative to repoDir. */
  schemasDir?: string;
  /** The git revision to compare the work tree's schemas with. */
  base?: string;
}

export type SchemaChangeStatus = 'unchanged' | 'added' | 'removed' | 'compatible' | 'incompatible';

export interface SchemaChange {
  /** Path relative to repoDir, e.g. schemas/order/order-confirmed.v1.avsc. */
  file: string;
  status: SchemaChangeStatus;
  /** For an incompatible schema: what is wrong and what to do, one line each. */
  problems: string[];
}

export interface CompatReport {
  base: string;
  changes: SchemaChange[];
  ok: boolean;
  /** A summary for people; for a failed check it names each schema, field and remedy. */
  message: string;
}

function git(repoDir: string, args: string[]): string {
  try {
    return execFileSync('git', ['-C', repoDir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`git ${args.join(' ')} failed in ${repoDir}: ${stderr || String(error)}`, {
      cause: error,
    });
  }
}

function schemaFilesAt(repoDir: string, schemasDir: string, base: string): string[] {
  return git(repoDir, ['ls-tree', '-r', '--name-only', '--full-tree', base, '--', schemasDir])
    .split('\n')
    .filter((f) => f.endsWith('.avsc'));
}

function schemaFilesInWorkTree(repoDir: string, schemasDir: string): string[] {
  const root = join(repoDir, schemasDir);
  if (!existsSync(root)) return [];
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.avsc'))
    .map((entry) => relative(repoDir, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

/** The schema's JSON in one canonical spelling, so that a change of layout alone is no change. */
function canonical(text: string, file: string): string {
  try {
    return JSON.stringify(JSON.parse(text));
  } catch (error) {
    throw new Error(`${file} is not JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** schemas/<context>/<event>.v<n>.avsc names the topic <context>.<event>.v<n>; anything else is named by its file. */
function topicOf(file: string, schemasDir: string): string | undefined {
  const folder = schemasDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^${folder}/([a-z]+)/([a-z-]+)\\.v([0-9]+)\\.avsc$`).exec(file);
  return match ? `${match[1]}.${match[2]}.v${match[3]}` : undefined;
}

function breakingChangeAdvice(file: string, schemasDir: string): string {
  const topic = topicOf(file, schemasDir);
  if (!topic) {
    return 'A breaking change needs a new major version: a new schema file and a new topic …v<n+1>, with the producer publishing both until consumers have moved.';
  }
  const next = topic.replace(/\.v([0-9]+)$/, (_, n: string) => `.v${Number(n) + 1}`);
  const nextFile = file.replace(/\.v([0-9]+)\.avsc$/, (_, n: string) => `.v${Number(n) + 1}.avsc`);
  return (
    `If the change has to be breaking, it needs a new major version instead: ${nextFile} on a new topic ${next}, ` +
    `with the producer publishing both ${topic} and ${next} (dual publishing) until every consumer has moved to ${next}.`
  );
}

/** Why avsc cannot read data written with `old` through `next`, as a fallback explanation. */
function resolverProblem(next: Schema, old: Schema): string | undefined {
  try {
    Type.forSchema(next).createResolver(Type.forSchema(old));
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

async function checkOne(
  registry: RegistryRest,
  file: string,
  oldText: string,
  newText: string,
): Promise<{ compatible: boolean; problems: string[] }> {
  const next = JSON.parse(newText) as Schema;
  try {
    Type.forSchema(next);
  } catch (error) {
    return {
      compatible: false,
      problems: [`not a valid Avro schema: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
  // The old version goes under a subject of its own, so that the registry judges the new one
  // against it with the same rule that guards the real subject in production.
  const subject = `compat-check-${randomBytes(6).toString('hex')}-${file.replace(/[^A-Za-z0-9.-]+/g, '_')}-value`;
  try {
    await registry.setCompatibility(subject, 'BACKWARD');
    await registry.register(subject, oldText);
    if (await registry.isCompatibleWithLatest(subject, newText)) return { compatible: true, problems: [] };
    // Apicurio's compatibility answer has no reasons (verbose=true notwithstanding), but its
    // refusal to register the version lists each incompatibility with its place in the schema.
    let refusal = '';
    try {
      await registry.register(subject, newText);
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      refusal = error.body;
    }
    const problems = explainDiffs(refusal, next);
    if (problems.length === 0) {
      problems.push(
        resolverProblem(next, JSON.parse(oldText) as Schema) ??
          `the registry found it incompatible: ${refusal || 'no details given'}`,
      );
    }
    return { compatible: false, problems };
  } finally {
    await registry.deleteSubject(subject);
  }
}

/**
 * The CI gate for schema changes: every schema under `schemasDir` that differs from its
 * version at `base` must be BACKWARD compatible with it (consumers on the new schema can
 * read every event written with the old one), judged by the real schema registry.
 * New schemas pass (the unit tests hold them to the schema rules); removed ones are
 * reported, not failed, since retiring a topic after its consumers moved is legitimate.
 */
export async function checkCompatibility(options: CompatCheckOptions): Promise<CompatReport> {
  const schemasDir = (options.schemasDir ?? 'schemas').replace(/\/+$/, '');
  const base = options.base ?? 'HEAD';
  const registry = new RegistryRest(options.registryUrl);
  git(options.repoDir, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);

  const before = new Set(schemaFilesAt(options.repoDir, schemasDir, base));
  const now = schemaFilesInWorkTree(options.repoDir, schemasDir);
  const changes: SchemaChange[] = [];
  for (const file of [...now].sort()) {
    const newText = canonical(readFileSync(join(options.repoDir, file), 'utf8'), file);
    if (!before.has(file)) {
      changes.push({ file, status: 'added', problems: [] });
      continue;
    }
    const oldText = canonical(git(options.repoDir, ['show', `${base}:${file}`]), `${file} at ${base}`);
    if (oldText === newText) {
      changes.push({ file, status: 'unchanged', problems: [] });
      continue;
    }
    const { compatible, problems } = await checkOne(registry, file, oldText, newText);
    changes.push({ file, status: compatible ? 'compatible' : 'incompatible', problems });
  }
  for (const file of [...before].filter((f) => !now.includes(f)).sort())
    changes.push({ file, status: 'removed', problems: [] });

  const failed = changes.filter((c) => c.status === 'incompatible');
  const counts = (['compatible', 'added', 'removed', 'unchanged'] as const)
    .map((s) => `${changes.filter((c) => c.status === s).length} ${s}`)
    .join(', ');
  const lines = [`schema compatibility against ${base}: ${failed.length} incompatible, ${counts}`];
  for (const change of changes.filter((c) => c.status !== 'unchanged')) {
    if (change.status !== 'incompatible') {
      lines.push(`  ${change.file}: ${change.status}`);
      continue;
    }
    lines.push(`  ${change.file} is not BACKWARD compatible with its version at ${base}:`);
    for (const problem of change.problems) lines.push(`    - ${problem}`);
    lines.push(`    ${breakingChangeAdvice(change.file, schemasDir)}`);
  }
  return { base, changes, ok: failed.length === 0, message: lines.join('\n') };
}

export interface HistoryStep {
  file: string;
  /** The version checked against: a commit, or "work tree". */
  from: string;
  to: string;
  problems: string[];
}

export interface HistoryReport {
  steps: number;
  failures: HistoryStep[];
  ok: boolean;
  message: string;
}

/**
 * The CI gate that needs no base revision: for every schema, each committed version (and
 * the work tree's, if it differs) must be BACKWARD compatible with the version before it.
 * A fresh clone of main cannot tell which commits are new since the last landing, so CI
 * checks every step of every schema's history; BACKWARD is not transitive, so each step
 * is judged against its predecessor, as the registry judges a new version against the latest.
 */
export async function checkHistory(options: Omit<CompatCheckOptions, 'base'>): Promise<HistoryReport> {
  const schemasDir = (options.schemasDir ?? 'schemas').replace(/\/+$/, '');
  const registry = new RegistryRest(options.registryUrl);
  const failures: HistoryStep[] = [];
  let steps = 0;
  for (const file of schemaFilesInWorkTree(options.repoDir, schemasDir).sort()) {
    // Newest first: the work tree, then each commit that changed the file.
    const versions: { at: string; text: string }[] = [
      { at: 'work tree', text: canonical(readFileSync(join(options.repoDir, file), 'utf8'), file) },
    ];
    const commits = git(options.repoDir, ['log', '--format=%h', '--', file]).split('\n').filter(Boolean);
    for (const commit of commits) {
      const text = canonical(git(options.repoDir, ['show', `${commit}:${file}`]), `${file} at ${commit}`);
      const newest = versions[versions.length - 1]!;
      // The same text again: this commit is where that version was written (HEAD's, when the
      // work tree is clean), so it names the version in messages.
      if (text === newest.text) newest.at = commit;
      else versions.push({ at: commit, text });
    }
    for (let i = versions.length - 1; i > 0; i--) {
      const older = versions[i]!;
      const newer = versions[i - 1]!;
      steps++;
      const { compatible, problems } = await checkOne(registry, file, older.text, newer.text);
      if (!compatible) failures.push({ file, from: older.at, to: newer.at, problems });
    }
  }
  const lines = [`schema history: ${steps} changes checked, ${failures.length} not BACKWARD compatible`];
  for (const failure of failures) {
    lines.push(
      `  ${failure.file} at ${failure.to} is not BACKWARD compatible with its version at ${failure.from}:`,
    );
    for (const problem of failure.problems) lines.push(`    - ${problem}`);
    lines.push(`    ${breakingChangeAdvice(failure.file, schemasDir)}`);
  }
  return { steps, failures, ok: failures.length === 0, message: lines.join('\n') };
}
