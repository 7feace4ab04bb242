import { z } from 'zod';
import { type ProcessName, processEnv } from './processes';
import { stackPorts, stackUrls } from './stack-ports';

/**
 * What a variable defaults to for a command run on the development machine: the native
 * stack (./dev up) on its ports, and, for a command acting as a process (`as`), exactly the
 * settings that process gets there.
 */
export function nativeDefaults(env: NodeJS.ProcessEnv, as?: ProcessName): Record<string, string> {
  const urls = stackUrls(stackPorts(env));
  return {
    KAFKA_BROKERS: urls.kafkaBrokers,
    SCHEMA_REGISTRY_URL: urls.schemaRegistryUrl,
    KAFKA_CONNECT_URL: urls.connectUrl,
    POSTGRES_ADMIN_URL: urls.postgresAdminUrl,
    ...(as ? processEnv(as, env) : {}),
  };
}

/**
 * The one settings loader of the platform's command-line tools: each variable of `shape`
 * from the environment, else its native-stack default, validated by zod. A missing or bad
 * one stops the command with a message naming it (and what it was given).
 */
export function commandSettings<T extends z.ZodRawShape>(
  shape: T,
  options: { as?: ProcessName; env?: NodeJS.ProcessEnv } = {},
): z.infer<z.ZodObject<T>> {
  const env = options.env ?? process.env;
  const defaults = nativeDefaults(env, options.as);
  const given = Object.fromEntries(
    Object.keys(shape).map((name) => [
      name,
      env[name] === undefined || env[name] === '' ? defaults[name] : env[name],
    ]),
  );
  const result = z.object(shape).safeParse(given);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return `${name}: ${given[name] === undefined ? 'missing' : issue.message}`;
  });
  throw new SettingsError(`invalid settings:\n  ${problems.join('\n  ')}`);
}

/** Settings a command cannot run with; the message names each one. */
export class SettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingsError';
  }
}

/** Runs a command's main function: a failure prints `<name> failed: <message>` and exits 1. */
export function runCommand(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
