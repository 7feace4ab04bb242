// Generates src/generated/ from the Avro sources in schemas/: one module per schema with the
// TypeScript types of its records (written by @ovotech/avro-ts), and an index holding every
// schema's text and event type by topic. build, typecheck, lint and test run it first, so a
// fresh clone needs no extra step. turbo may run several of those at once, so a file is
// only rewritten when its content changes, and then atomically (write, then rename).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { toTypeScript } from '@ovotech/avro-ts';
import type { Schema } from 'avsc';

const packageDir = join(import.meta.dirname, '..');
const repoDir = join(packageDir, '..', '..');
const schemasDir = join(repoDir, 'schemas');
const outDir = join(packageDir, 'src', 'generated');

/** schemas/<context>/<event>.v<major>.avsc: the topic is <context>.<event>.v<major>. */
const schemaPath = /^([a-z]+)\/([a-z]+(?:-[a-z]+)*)\.v([1-9][0-9]*)\.avsc$/;

interface Source {
  /** Path under schemas/, with forward slashes. */
  path: string;
  topic: string;
  version: number;
  recordName: string;
  text: string;
}

function avscFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.avsc'))
    .map((entry) => relative(schemasDir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

function readSource(path: string): Source {
  const match = schemaPath.exec(path);
  if (!match)
    throw new Error(
      `schemas/${path}: expected schemas/<context>/<event>.v<major>.avsc (lower-case, kebab-case)`,
    );
  const [, context, event, major] = match;
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(join(schemasDir, path), 'utf8'));
  } catch (error) {
    throw new Error(`schemas/${path}: not JSON: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const record = schema as { type?: unknown; name?: unknown };
  if (record.type !== 'record' || typeof record.name !== 'string') {
    throw new Error(`schemas/${path}: the top-level type must be a named record`);
  }
  return {
    path,
    topic: `${context}.${event}.v${major}`,
    version: Number(major),
    recordName: record.name,
    text: JSON.stringify(schema),
  };
}

/** avro-ts drives TypeScript 4's node factory through calls TypeScript has deprecated, and TypeScript warns on each; those warnings concern the generator's internals, not the schemas. */
/* eslint-disable no-console -- TypeScript writes those warnings to console.warn, so that is where they are filtered. */
function quietly<T>(work: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('DeprecationWarning:')) return;
    warn(...args);
  };
  try {
    return work();
  } finally {
    console.warn = warn;
  }
}
/* eslint-enable no-console */

function moduleFor(source: Source): string {
  const types = quietly(() => toTypeScript(JSON.parse(source.text) as Schema));
  return `// Generated from schemas/${source.path} by packages/contracts/scripts/generate.mts: do not edit.\n${types}`;
}

function indexFor(sources: Source[]): string {
  const typeName = (s: Source) => `${s.recordName}V${s.version}`;
  const modulePath = (s: Source) => `./${s.path.replace(/\.avsc$/, '')}`;
  const lines = ['// Generated from schemas/ by packages/contracts/scripts/generate.mts: do not edit.', ''];
  for (const s of sources)
    lines.push(`import type { ${s.recordName} as ${typeName(s)} } from '${modulePath(s)}';`);
  lines.push('', `export type { ${sources.map(typeName).join(', ')} };`, '');
  lines.push('/** Every Avro schema under schemas/, by the topic that carries its events. */');
  lines.push('export const schemaSources = {');
  for (const s of sources) {
    lines.push(`  '${s.topic}': {`);
    lines.push(`    eventType: '${s.recordName}',`);
    lines.push(`    version: ${s.version},`);
    lines.push(`    file: 'schemas/${s.path}',`);
    lines.push(`    schema: ${JSON.stringify(s.text)} as string,`);
    lines.push('  },');
  }
  lines.push('} as const;', '');
  lines.push('/** The event type, generated from its schema, that each topic carries. */');
  lines.push('export interface EventsByTopic {');
  for (const s of sources) lines.push(`  '${s.topic}': ${typeName(s)};`);
  lines.push('}', '');
  return lines.join('\n');
}

function writeIfChanged(file: string, content: string): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return false;
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, file);
  return true;
}

function main(): void {
  const sources = avscFiles(schemasDir).map(readSource);
  if (sources.length === 0) throw new Error(`no .avsc files under ${schemasDir}`);
  const wanted = new Map<string, string>();
  for (const s of sources) wanted.set(join(outDir, s.path.replace(/\.avsc$/, '.ts')), moduleFor(s));
  wanted.set(join(outDir, 'index.ts'), indexFor(sources));

  let written = 0;
  for (const [file, content] of wanted) if (writeIfChanged(file, content)) written += 1;
  // A schema that was removed or renamed leaves no stale module behind.
  if (existsSync(outDir)) {
    for (const entry of readdirSync(outDir, { withFileTypes: true, recursive: true })) {
      const file = join(entry.parentPath, entry.name);
      if (entry.isFile() && !wanted.has(file) && !file.endsWith('.tmp')) rmSync(file);
    }
  }
  process.stdout.write(
    `contracts: ${sources.length} schemas, ${written} generated file(s) updated in ${relative(repoDir, outDir)}\n`,
  );
}

main();
