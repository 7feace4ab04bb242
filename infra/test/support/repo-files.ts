// Readers for the repository files that the infra tests check: infra/versions.env,
// docker-compose.yml, the root Dockerfile, .dockerignore and .env.example.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot as findRepoRoot } from '@order-platform/testing/repo';
import { parse as parseYaml } from 'yaml';

export const repoRoot = findRepoRoot();

export function repoPath(...segments: string[]): string {
  return join(repoRoot, ...segments);
}

export function readRepoFile(...segments: string[]): string {
  return readFileSync(repoPath(...segments), 'utf8');
}

export function repoFileExists(...segments: string[]): boolean {
  return existsSync(repoPath(...segments));
}

/** `KEY=value` lines of a dotenv-style file; comments, blanks and `export ` are allowed. */
export function parseEnvFile(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!match) throw new Error(`not a KEY=value line: ${raw}`);
    const [, key, value] = match as unknown as [string, string, string];
    entries.set(key, value.trim().replace(/^(['"])(.*)\1$/, '$2'));
  }
  return entries;
}

/** `key=value` / `key = value` lines of a Java properties or postgresql.conf file. */
export function parseProperties(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const match = /^([^=\s]+)\s*=\s*(.*?)(?:\s+#.*)?$/.exec(line);
    if (match) entries.set(match[1] as string, (match[2] as string).replace(/^'(.*)'$/, '$1'));
  }
  return entries;
}

export function readVersions(): Map<string, string> {
  return parseEnvFile(readRepoFile('infra', 'versions.env'));
}

// Only the parts of the compose model the tests look at; the JSON schema checks the rest.
export interface ComposeHealthcheck {
  test?: string | string[];
  disable?: boolean;
}

export interface ComposeDependency {
  condition?: string;
}

export interface ComposeBuild {
  context?: string;
  dockerfile?: string;
  target?: string;
  args?: Record<string, string | number> | string[];
}

export interface ComposeService {
  image?: string;
  build?: string | ComposeBuild;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, ComposeDependency>;
  healthcheck?: ComposeHealthcheck;
  ports?: (string | number | { published?: string | number; target?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  restart?: string;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  [key: string]: unknown;
}

export function readComposeText(): string {
  return readRepoFile('docker-compose.yml');
}

/** Every `${NAME…}` interpolation of a compose text (comments included). */
export function composeVariables(text: string): { name: string; fallback: string | undefined }[] {
  return [...text.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g)].map((m) => ({
    name: m[1] as string,
    fallback: m[2],
  }));
}

/**
 * docker-compose.yml as compose sees it when no variable is set: every `${NAME:-default}`
 * replaced by its default, YAML anchors resolved and `<<` merge keys applied.
 */
export function loadCompose(): ComposeFile {
  const text = readComposeText().replace(
    /(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_all, _name: string, fallback: string | undefined) => fallback ?? '',
  );
  return parseYaml(text, { merge: true }) as ComposeFile;
}

/** `environment` in either compose form (map or list of KEY=VALUE), as strings. */
export function environmentOf(service: ComposeService): Map<string, string> {
  const env = new Map<string, string>();
  const raw = service.environment;
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const eq = item.indexOf('=');
      env.set(eq === -1 ? item : item.slice(0, eq), eq === -1 ? '' : item.slice(eq + 1));
    }
  } else if (raw) {
    for (const [key, value] of Object.entries(raw)) env.set(key, value === null ? '' : String(value));
  }
  return env;
}

export function buildArgsOf(build: ComposeBuild): Map<string, string> {
  const args = new Map<string, string>();
  if (Array.isArray(build.args)) {
    for (const item of build.args) {
      const eq = item.indexOf('=');
      args.set(item.slice(0, eq), item.slice(eq + 1));
    }
  } else if (build.args) {
    for (const [key, value] of Object.entries(build.args)) args.set(key, String(value));
  }
  return args;
}

export interface PublishedPort {
  /** The host address it is published on; undefined for every interface. */
  hostIp: string | undefined;
  host: number;
  container: number;
}

/** The ports a service publishes: `[host_ip:]host:container[/protocol]` or the long form. */
export function publishedOf(service: ComposeService): PublishedPort[] {
  const published: PublishedPort[] = [];
  for (const entry of service.ports ?? []) {
    if (typeof entry === 'object') {
      if (entry.published !== undefined && entry.target !== undefined) {
        const hostIp = (entry as { host_ip?: string }).host_ip;
        published.push({ hostIp, host: Number(entry.published), container: Number(entry.target) });
      }
      continue;
    }
    // A bare container port publishes nothing fixed.
    const parts = String(entry)
      .replace(/\/\w+$/, '')
      .split(':');
    if (parts.length < 2) continue;
    published.push({
      hostIp: parts.length > 2 ? parts.slice(0, -2).join(':') : undefined,
      host: Number(parts[parts.length - 2]),
      container: Number(parts[parts.length - 1]),
    });
  }
  return published;
}

/** Host ports a service publishes, mapped to the container ports they lead to. */
export function publishedPortsOf(service: ComposeService): Map<number, number> {
  return new Map(publishedOf(service).map((p) => [p.host, p.container]));
}

export function commandWords(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export interface DockerfileStage {
  name: string | undefined;
  from: string;
  /** Instructions of the stage, continuation lines joined, comments dropped. */
  instructions: string[];
}

export interface Dockerfile {
  /** ARG defaults declared before the first FROM (usable in FROM lines). */
  globalArgs: Map<string, string>;
  stages: DockerfileStage[];
}

export function parseDockerfile(text: string): Dockerfile {
  const instructions: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      continue;
    }
    instructions.push(`${pending}${line}`.trim());
    pending = '';
  }
  if (pending !== '') instructions.push(pending.trim());

  const globalArgs = new Map<string, string>();
  const stages: DockerfileStage[] = [];
  for (const instruction of instructions) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction);
    if (from) {
      stages.push({ from: from[1] as string, name: from[2], instructions: [] });
      continue;
    }
    const current = stages[stages.length - 1];
    if (current) {
      current.instructions.push(instruction);
      continue;
    }
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?$/i.exec(instruction);
    if (arg) globalArgs.set(arg[1] as string, arg[2] ?? '');
  }
  return { globalArgs, stages };
}

/** Default of `ARG NAME=value` inside a stage. */
export function stageArgDefault(stage: DockerfileStage, name: string): string | undefined {
  for (const instruction of stage.instructions) {
    const arg = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(\S*))?$/i.exec(instruction);
    if (arg && arg[1] === name) return arg[2];
  }
  return undefined;
}

export function readDockerfile(): Dockerfile {
  return parseDockerfile(readRepoFile('Dockerfile'));
}
