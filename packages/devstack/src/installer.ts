import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { StackContext } from './component';
import { commitInstall, isInstalled, temporaryDir } from './install-cache';
import { have, runChecked, runCommand } from './run-command';

export function installLog(ctx: StackContext): string {
  return join(ctx.stackDir, 'logs', 'install.log');
}

/** Runs a download/install command with its output in logs/install.log (its end shown on failure). */
export function runInstaller(
  ctx: StackContext,
  what: string,
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<string> {
  return runChecked(what, command, args, {
    ...options,
    logFile: installLog(ctx),
    env: options.env ?? ctx.env,
  });
}

export async function requireCommands(...commands: string[]): Promise<void> {
  const missing: string[] = [];
  for (const command of commands) if (!(await have(command))) missing.push(command);
  if (missing.length > 0) throw new Error(`missing prerequisite command(s): ${missing.join(' ')}`);
}

/** Maven on infra/native/pom.xml, the list of jars the stack runs; MAVEN_ARGS adds arguments. */
export async function maven(ctx: StackContext, what: string, args: readonly string[]): Promise<void> {
  await requireCommands('mvn');
  const extra = (ctx.env.MAVEN_ARGS ?? '').split(/\s+/).filter(Boolean);
  const pom = join(ctx.repoRoot, 'infra/native/pom.xml');
  await runInstaller(ctx, what, 'mvn', ['-B', '-q', '-Dstyle.color=never', '-f', pom, ...extra, ...args]);
}

/** A tar.gz on Maven Central: `group:id:version:tar.gz:classifier`. */
export interface MavenArchive {
  readonly group: string;
  readonly id: string;
  readonly version: string;
  readonly classifier: string;
}

/**
 * Installs a tar.gz from Maven Central into the cache directory `final` unless it is there:
 * fetched and unpacked beside it, checked by `check` (which throws, naming what is missing
 * from the unpacked root), then moved into place.
 */
export async function installMavenArchive(
  ctx: StackContext,
  spec: {
    /** The installing component, first in every log line and error. */
    component: string;
    /** What the archive is, for the log: "Apicurio Registry 3.3.3". */
    what: string;
    archive: MavenArchive;
    final: string;
    check(root: string): void;
  },
): Promise<void> {
  const { component, what, archive, final } = spec;
  if (isInstalled(final)) return;
  ctx.log(`${component}: fetching ${what} from Maven Central`);
  const tmp = temporaryDir(final);
  const download = join(tmp, 'download');
  const root = join(tmp, 'unpacked');
  mkdirSync(download);
  mkdirSync(root);
  const { group, id, version, classifier } = archive;
  await maven(ctx, `${component}: mvn dependency:copy of ${id}`, [
    'dependency:copy',
    `-DoutputDirectory=${download}`,
    `-Dartifact=${group}:${id}:${version}:tar.gz:${classifier}`,
  ]);
  await runInstaller(ctx, `${component}: unpacking ${id}`, 'tar', [
    'xzf',
    join(download, `${id}-${version}-${classifier}.tar.gz`),
    '-C',
    root,
  ]);
  spec.check(root);
  commitInstall(root, final);
  rmSync(tmp, { recursive: true, force: true });
}

/** The major version of a java binary (java.specification.version), or undefined. */
export async function javaMajor(java: string): Promise<number | undefined> {
  const result = await runCommand(java, ['-XshowSettings:properties', '-version']).catch(() => undefined);
  const match = result && /java\.specification\.version = (\d+)/.exec(result.stderr + result.stdout);
  return match?.[1] ? Number(match[1]) : undefined;
}

export async function requireJava17(): Promise<void> {
  const major = await javaMajor('java');
  if (major === undefined || major < 17) {
    throw new Error(`java 17 or newer is needed on PATH (found: ${major ?? 'unknown'})`);
  }
}

/** Runs `command` as root: directly when we are root, else through `sudo -n`. */
export async function asRoot(command: string, args: readonly string[]): Promise<[string, string[]]> {
  if (process.getuid?.() === 0) return [command, [...args]];
  if (await have('sudo')) return ['sudo', ['-n', command, ...args]];
  throw new Error(`need root (or sudo) to run: ${command} ${args.join(' ')}`);
}
