import { createHash } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  rmdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StackContext } from '../component';
import { runCommand } from '../run-command';
import { dataDirOf, isRoot, logFileOf } from '../stack-context';

export const pgSuperuser = 'postgres';
export const pgSuperpass = 'postgres';

/** The command line that runs `command` as the postgres OS user when we are root (initdb and postgres refuse root). */
export function asPostgresUser(command: string, args: readonly string[]): [string, string[]] {
  if (!isRoot()) return [command, [...args]];
  return [
    'setpriv',
    ['--reuid=postgres', '--regid=postgres', '--init-groups', '--reset-env', '--', command, ...args],
  ];
}

const hash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The data directory itself (data/postgres, or where its symlink points). */
export function pgDataReal(ctx: StackContext): string {
  const link = dataDirOf(ctx, 'postgres');
  return isSymlink(link) ? realpathSync(link) : link;
}

/**
 * Creates the data directory. As root it must belong to the postgres user, and that user
 * must be able to reach it: when it cannot traverse to the stack directory (a repo under
 * /root, say), the data lives under /var/lib/order-platform/<hash>/ and data/postgres is a
 * symlink to it.
 */
export async function prepareDataDir(ctx: StackContext): Promise<string> {
  const link = dataDirOf(ctx, 'postgres');
  let data = link;
  if (isSymlink(link)) {
    data = realpathSync(link);
  } else if (isRoot() && !existsSync(link)) {
    if ((await runCommand('id', ['postgres'])).code !== 0)
      throw new Error("postgres: OS user 'postgres' does not exist");
    const reach = await runCommand('setpriv', [
      '--reuid=postgres',
      '--regid=postgres',
      '--init-groups',
      '--',
      'test',
      '-x',
      join(ctx.stackDir, 'data'),
    ]);
    if (reach.code !== 0) {
      data = `/var/lib/order-platform/${hash(ctx.stackDir)}/postgres`;
      ctx.log(
        `postgres: user postgres cannot reach ${ctx.stackDir}; data goes to ${data} (symlinked from ${link})`,
      );
      mkdirSync(data, { recursive: true });
      chmodSync('/var/lib/order-platform', 0o755);
      chmodSync(dirname(data), 0o755);
      symlinkSync(data, link);
    }
  }
  mkdirSync(data, { recursive: true });
  if (isRoot()) await chownToPostgres(data);
  chmodSync(data, 0o700);
  return data;
}

export async function chownToPostgres(...paths: string[]): Promise<void> {
  const result = await runCommand('chown', ['postgres:postgres', ...paths]);
  if (result.code !== 0)
    throw new Error(`postgres: chown ${paths.join(' ')} failed: ${result.stderr.trim()}`);
}

/** initdb with the superuser's password, scram auth, UTF-8 (once per data directory). */
export async function initdb(ctx: StackContext, pgBin: string, data: string): Promise<void> {
  if (existsSync(join(data, 'PG_VERSION'))) return;
  ctx.log(`postgres: initdb in ${data}`);
  const pwdir = mkdtempSync(join(tmpdir(), 'devstack-pg-'));
  const pwfile = join(pwdir, 'pw');
  writeFileSync(pwfile, `${pgSuperpass}\n`, { mode: 0o644 });
  chmodSync(pwdir, 0o755);
  try {
    const [command, args] = asPostgresUser(join(pgBin, 'initdb'), [
      '-D',
      data,
      '-U',
      pgSuperuser,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]);
    const result = await runCommand(command, args, {
      logFile: logFileOf(ctx, { name: 'postgres', kind: 'stack' }),
    });
    if (result.code !== 0) throw new Error('postgres: initdb failed');
  } finally {
    rmSync(pwdir, { recursive: true, force: true });
  }
  appendFileSync(
    join(data, 'postgresql.conf'),
    "\n# Settings of the order-platform native stack (rewritten on each start).\ninclude 'order-platform.conf'\n",
  );
}

/** The unix socket lives in the data directory, unless that path is too long for a socket (107 bytes). */
export async function socketDir(data: string): Promise<string> {
  if (data.length + 20 <= 107) return data;
  const dir = `/tmp/order-platform-pg-${hash(data)}`;
  mkdirSync(dir, { recursive: true });
  if (isRoot()) await chownToPostgres(dir);
  chmodSync(dir, 0o700);
  return dir;
}

export function wipeDataDir(ctx: StackContext): void {
  const link = dataDirOf(ctx, 'postgres');
  if (isSymlink(link)) {
    const data = realpathSync(link);
    rmSync(data, { recursive: true, force: true });
    try {
      rmdirSync(dirname(data));
    } catch {
      // Not empty or gone: leave it.
    }
    rmSync(link, { force: true });
  } else {
    rmSync(link, { recursive: true, force: true });
  }
}
