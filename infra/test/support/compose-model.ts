// What the compose checks share: docker-compose.yml, the Dockerfile and infra/versions.env
// as read by ./repo-files.ts, and the processes they must agree with, taken from the one
// topology manifest (packages/topology) rather than written down again here.
import { spawnSync } from 'node:child_process';
import { type ProcessName, processEnv, processes } from '@order-platform/topology';
import {
  type ComposeBuild,
  type ComposeService,
  commandWords,
  loadCompose,
  readDockerfile,
  readVersions,
} from './repo-files';

export const compose = loadCompose();
export const services = compose.services;
export const dockerfile = readDockerfile();
const versions = readVersions();

export function version(name: string): string {
  const value = versions.get(name);
  if (!value) throw new Error(`infra/versions.env has no ${name}`);
  return value;
}

export function service(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

export interface AppProcess {
  name: ProcessName;
  port: number;
  /** Its Postgres role; undefined for the processes without a database of their own. */
  dbRole: string | undefined;
  portSetting: { variable: string; fallback: number };
  /** Exactly the settings the native stack gives it, so exactly what compose must give it. */
  settings: string[];
}

/** Every process of the topology: the six services, the payment provider simulator and the CDC watchdog. */
export const PROCESSES: AppProcess[] = Object.values(processes).map((p) => ({
  name: p.name,
  port: p.port.fallback,
  portSetting: p.port,
  dbRole: p.databaseRole,
  settings: Object.keys(processEnv(p.name, {}, '/data')).sort(),
}));

/** The six services: the processes with a database role. */
export const APP_SERVICES = PROCESSES.filter(
  (p): p is AppProcess & { dbRole: string } => p.dbRole !== undefined,
);

export const PROVIDER = PROCESSES.find((p) => p.name === 'payment-provider')!;

export const INIT_SETTINGS = [
  'KAFKA_BROKERS',
  'SCHEMA_REGISTRY_URL',
  'KAFKA_CONNECT_URL',
  'POSTGRES_ADMIN_URL',
  'CONNECT_DATABASE_HOST',
];

export const HOST_PORTS: Record<string, number[]> = {
  postgres: [5432],
  kafka: [9092],
  connect: [8083],
  apicurio: [8080],
  maildev: [1025, 1080],
  ...Object.fromEntries(PROCESSES.map((p) => [p.name, [p.port]])),
};

export function dependenciesOf(svc: ComposeService): Record<string, { condition?: string }> {
  const deps = svc.depends_on;
  if (deps === undefined) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, {}]));
  return deps;
}

/** A one-shot container is one that others wait on to complete successfully. */
export const oneShotServices = new Set(
  Object.values(services).flatMap((svc) =>
    Object.entries(dependenciesOf(svc))
      .filter(([, dep]) => dep.condition === 'service_completed_successfully')
      .map(([name]) => name),
  ),
);

export function healthcheckTest(svc: ComposeService): string[] {
  const check = svc.healthcheck;
  if (!check || check.disable === true) return [];
  const test = commandWords(check.test);
  if (test.length === 0 || test[0] === 'NONE') return [];
  return test;
}

export function buildOf(name: string): ComposeBuild {
  const build = service(name).build;
  if (build === undefined || typeof build === 'string') {
    throw new Error(`service "${name}" must use the long build syntax (context, dockerfile, target, args)`);
  }
  return build;
}

export function stageNamed(name: string) {
  return dockerfile.stages.find((stage) => stage.name === name);
}

export interface ComposeCli {
  label: string;
  argv: string[];
}

/** `docker compose config` and Debian's docker-compose 1.29 both validate without an engine. */
function findComposeCli(): ComposeCli | undefined {
  const candidates: ComposeCli[] = [
    { label: 'docker compose', argv: ['docker', 'compose'] },
    { label: 'docker-compose', argv: ['docker-compose'] },
  ];
  return candidates.find((cli) => {
    const [command, ...args] = cli.argv as [string, ...string[]];
    const probe = spawnSync(command, [...args, 'version'], { encoding: 'utf8', timeout: 30_000 });
    return probe.status === 0;
  });
}

export const composeCli = findComposeCli();
