import { freePort, type ServiceProcess, startService, waitForHttp } from './service-process';
import { serviceDatabaseUrl, type StackSettings } from './stack';

/**
 * The settings every service reads, pointed at this stack, on a free port, on its own role
 * and schema (`role`, the service's name unless told). `extra` adds the service's own
 * settings or replaces these; an undefined value leaves that setting out.
 */
export async function serviceEnv(
  stack: StackSettings,
  service: string,
  extra: Record<string, string | undefined> = {},
  role: string = service,
): Promise<Record<string, string>> {
  const all: Record<string, string | undefined> = {
    SERVICE_NAME: service,
    PORT: String(await freePort()),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: serviceDatabaseUrl(stack, role),
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    SCHEMA_REGISTRY_URL: stack.schemaRegistryUrl,
    ...extra,
  };
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => e[1] !== undefined));
}

export interface StartOnStackOptions {
  /** Its Postgres role and schema, when not the service's name. */
  role?: string;
  /** Settings only this service (or this test) has, or replacing the common ones. */
  env?: Record<string, string | undefined>;
  /** What to wait for: liveness only, for a successor that waits out a dead member's session. */
  until?: '/health/ready' | '/health/live';
  timeoutMs?: number;
}

/**
 * Starts the built service against this stack (see serviceEnv) and waits until it answers
 * `until`; one that never does is killed, so that a failed start leaves no process behind.
 */
export async function startOnStack(
  stack: StackSettings,
  service: string,
  { role, env, until = '/health/ready', timeoutMs = 90_000 }: StartOnStackOptions = {},
): Promise<ServiceProcess> {
  const running = startService(service, await serviceEnv(stack, service, env, role));
  try {
    await waitForHttp(running, until, 200, timeoutMs);
  } catch (error) {
    await running.stop('SIGKILL');
    throw error;
  }
  return running;
}
