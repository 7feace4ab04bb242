import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Component, type StackContext, stackComponent } from '../component';
import { asRoot, requireCommands, runInstaller } from '../installer';
import { runCommand } from '../run-command';
import { renderFile } from '../template';
import { isRoot, version } from '../stack-context';
import {
  asPostgresUser,
  chownToPostgres,
  initdb,
  pgDataReal,
  pgSuperpass,
  pgSuperuser,
  prepareDataDir,
  socketDir,
  wipeDataDir,
} from './postgres-data';

export const pgDatabase = 'platform';

export function registryStorage(ctx: StackContext): 'postgres' | 'mem' {
  const storage = ctx.env.REGISTRY_STORAGE || 'postgres';
  if (storage !== 'postgres' && storage !== 'mem') {
    throw new Error(`REGISTRY_STORAGE must be postgres or mem (got '${storage}')`);
  }
  return storage;
}

/** psql as the superuser over TCP; the output (-At) or an error with psql's message. */
export async function psqlAdmin(
  ctx: StackContext,
  database: string,
  args: string[],
  input?: string,
): Promise<string> {
  const bin = join('/usr/lib/postgresql', version(ctx, 'POSTGRES_MAJOR'), 'bin');
  const result = await runCommand(
    join(bin, 'psql'),
    [
      '-X',
      '-q',
      '-At',
      '-v',
      'ON_ERROR_STOP=1',
      '-h',
      '127.0.0.1',
      '-p',
      String(ctx.ports.postgres),
      '-U',
      pgSuperuser,
      '-d',
      database,
      ...args,
    ],
    {
      env: {
        ...ctx.env,
        PGPASSWORD: pgSuperpass,
        PGCONNECT_TIMEOUT: '3',
        PGOPTIONS: '-c client_min_messages=warning',
      },
      input,
      timeoutMs: 120_000,
    },
  );
  if (result.code !== 0)
    throw new Error(`psql ${database}: ${result.stderr.trim() || `exit ${result.code}`}`);
  return result.stdout.trim();
}

const registryDatabaseSql = `DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'registry') THEN
    CREATE ROLE registry LOGIN PASSWORD 'registry';
  END IF;
END $$;
SELECT 'CREATE DATABASE registry OWNER registry'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'registry') \\gexec
`;

export function postgres(ctx: StackContext): Component {
  const pgBin = () => join('/usr/lib/postgresql', version(ctx, 'POSTGRES_MAJOR'), 'bin');
  return stackComponent(ctx, {
    name: 'postgres',
    stopSignal: 'SIGINT', // the "fast" shutdown: SIGTERM waits for every client to leave
    startTimeoutSeconds: 60,
    identity: () => pgDataReal(ctx),

    async install() {
      if (existsSync(join(pgBin(), 'postgres')) && existsSync(join(pgBin(), 'psql'))) return;
      const major = version(ctx, 'POSTGRES_MAJOR');
      ctx.log(`postgres: ${pgBin()}/postgres is missing; installing postgresql-${major} from apt`);
      await requireCommands('apt-get');
      const apt = async (what: string, ...args: string[]) => {
        const [command, full] = await asRoot('env', ['DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]);
        await runInstaller(ctx, `postgres: ${what}`, command, full);
      };
      await apt('apt-get update', 'update');
      const policy = await runCommand('apt-cache', ['policy', `postgresql-${major}`]);
      if (!/Candidate: [0-9]/.test(policy.stdout)) {
        throw new Error(`postgres: apt has no candidate for postgresql-${major} (apt-cache policy)`);
      }
      // The Debian package creates and starts a default cluster on port 5432 unless told
      // not to; this stack runs its own cluster, so switch that off first.
      await apt('apt-get install postgresql-common', 'install', '-y', 'postgresql-common');
      const createcluster = '/etc/postgresql-common/createcluster.conf';
      if (existsSync(createcluster)) {
        const [command, args] = await asRoot('sed', [
          '-ri',
          's/^#?\\s*create_main_cluster\\s*=.*/create_main_cluster = false/',
          createcluster,
        ]);
        await runInstaller(ctx, 'postgres: create_main_cluster = false', command, args);
      }
      await apt(`apt-get install postgresql-${major}`, 'install', '-y', `postgresql-${major}`);
      if (!existsSync(join(pgBin(), 'postgres'))) {
        throw new Error(`postgres: installation did not provide ${pgBin()}/postgres`);
      }
    },

    async start() {
      const data = await prepareDataDir(ctx);
      await initdb(ctx, pgBin(), data);
      const conf = join(data, 'order-platform.conf');
      const hba = join(data, 'pg_hba.conf');
      renderFile(join(ctx.repoRoot, 'infra/native/conf/postgresql.conf'), conf, {
        PG_PORT: String(ctx.ports.postgres),
        PG_SOCKET_DIR: await socketDir(data),
      });
      copyFileSync(join(ctx.repoRoot, 'infra/native/conf/pg_hba.conf'), hba);
      if (isRoot()) await chownToPostgres(conf, hba);
      const [command, args] = asPostgresUser(join(pgBin(), 'postgres'), ['-D', data]);
      return { command, args, cwd: data, env: { PATH: ctx.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } };
    },

    async ready() {
      return (await psqlAdmin(ctx, 'postgres', ['-c', 'select 1']).catch(() => '')) === '1';
    },

    // On every `up` that includes postgres: database, roles, schemas (init.sql is
    // idempotent) and the registry's database.
    async provision() {
      const exists = await psqlAdmin(ctx, 'postgres', [
        '-c',
        `select 1 from pg_database where datname = '${pgDatabase}'`,
      ]);
      if (!exists) await psqlAdmin(ctx, 'postgres', ['-c', `create database ${pgDatabase}`]);
      await psqlAdmin(ctx, pgDatabase, ['-f', join(ctx.repoRoot, 'infra/postgres/init.sql')]).catch(
        (error: Error) => {
          throw new Error(`postgres: infra/postgres/init.sql failed: ${error.message}`);
        },
      );
      if (registryStorage(ctx) === 'postgres') {
        await psqlAdmin(ctx, 'postgres', [], registryDatabaseSql).catch((error: Error) => {
          throw new Error(`postgres: creating the registry database failed: ${error.message}`);
        });
      }
    },

    async info() {
      const v = await psqlAdmin(ctx, 'postgres', ['-c', 'select version()']).catch(() => '?');
      return `postgres  ready  127.0.0.1:${ctx.ports.postgres}  db=${pgDatabase}  ${v}`;
    },

    async wipe() {
      wipeDataDir(ctx);
      return Promise.resolve();
    },
  });
}
