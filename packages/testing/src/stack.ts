import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { stackPorts, stackUrls } from '@order-platform/topology';
import { repoRoot } from './repo';

import type { StackMode, StackSettings } from './types';

export type { StackMode, StackSettings } from './types';

const envNames = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'KAFKA_CONNECT_URL', 'POSTGRES_ADMIN_URL'] as const;

function fromEnvironment(env: NodeJS.ProcessEnv): StackSettings {
  const missing = envNames.filter((n) => !env[n]);
  if (missing.length > 0) throw new Error(`ORDER_PLATFORM_STACK=env needs ${missing.join(', ')}`);
  const pg = new URL(env.POSTGRES_ADMIN_URL!);
  const smtpHost = env.SMTP_HOST ?? '127.0.0.1';
  return {
    mode: 'env',
    kafkaBrokers: env.KAFKA_BROKERS!.split(','),
    schemaRegistryUrl: env.SCHEMA_REGISTRY_URL!,
    connectUrl: env.KAFKA_CONNECT_URL!,
    postgres: { host: pg.hostname, port: Number(pg.port || 5432), database: pg.pathname.slice(1) },
    postgresAdminUrl: env.POSTGRES_ADMIN_URL!,
    connectDatabase: { host: env.CONNECT_DATABASE_HOST ?? pg.hostname, port: Number(pg.port || 5432) },
    smtp: {
      host: smtpHost,
      port: Number(env.SMTP_PORT ?? 1025),
      webUrl: `http://${smtpHost}:${env.SMTP_WEB_PORT ?? 1080}`,
    },
  };
}

/** The native stack's addresses, from the one topology (the same port variables devstack reads). */
export function nativeSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const ports = stackPorts(env);
  const urls = stackUrls(ports);
  return {
    mode: 'native',
    kafkaBrokers: [urls.kafkaBrokers],
    schemaRegistryUrl: urls.schemaRegistryUrl,
    connectUrl: urls.connectUrl,
    postgres: { host: '127.0.0.1', port: ports.postgres, database: 'platform' },
    postgresAdminUrl: urls.postgresAdminUrl,
    connectDatabase: { host: '127.0.0.1', port: ports.postgres },
    smtp: { host: '127.0.0.1', port: ports.smtp, webUrl: urls.smtpWebUrl },
  };
}

/** The native stack's supervisor CLI (packages/devstack, built). */
export function nativeStackCli(): string {
  return join(repoRoot(), 'packages/devstack/dist/cli.js');
}

/** Runs the devstack CLI (`up`, `kill`, `pid` …); `up` is idempotent, so a running stack is reused as it is. */
export function nativeStack(...args: string[]): string {
  return execFileSync(process.execPath, [nativeStackCli(), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * One stack for the whole test run: ORDER_PLATFORM_STACK=env|native|testcontainers chooses;
 * without it, the environment's addresses if KAFKA_BROKERS and friends are set, else
 * testcontainers when a Docker engine answers, else the native stack (started if needed).
 */
export async function resolveStack(env: NodeJS.ProcessEnv = process.env): Promise<StackSettings> {
  const wanted = env.ORDER_PLATFORM_STACK as StackMode | undefined;
  if (wanted && !['env', 'native', 'testcontainers'].includes(wanted)) {
    throw new Error(`ORDER_PLATFORM_STACK must be env, native or testcontainers, not "${wanted}"`);
  }
  const mode: StackMode =
    wanted ?? (envNames.every((n) => env[n]) ? 'env' : (await dockerAnswers()) ? 'testcontainers' : 'native');
  if (mode === 'env') return fromEnvironment(env);
  if (mode === 'testcontainers') {
    const { startContainerStack } = await import('./testcontainers-stack.js');
    return startContainerStack();
  }
  process.stdout.write(nativeStack('up'));
  return nativeSettings(env);
}

/** A service's own database URL: its role and schema share the service's name. */
export function serviceDatabaseUrl(stack: StackSettings, role: string): string {
  return `postgres://${role}:${role}@${stack.postgres.host}:${stack.postgres.port}/${stack.postgres.database}`;
}

/** The settings platform-init reads, for this stack. */
export function platformInitEnv(stack: StackSettings): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    KAFKA_CONNECT_URL: stack.connectUrl,
    CONNECT_DATABASE_HOST: stack.connectDatabase.host,
    CONNECT_DATABASE_PORT: String(stack.connectDatabase.port),
  };
}

/**
 * Runs platform-init against the stack (built: packages/platform-init/dist/main.js): the
 * catalogue's topics, the schemas and the running outbox connector. Idempotent; tests of
 * services call it first, as ./dev up and the compose init container do.
 */
export function runPlatformInit(stack: StackSettings): void {
  execFileSync(process.execPath, [join(repoRoot(), 'packages/platform-init/dist/main.js')], {
    env: platformInitEnv(stack),
    stdio: 'pipe',
  });
}
