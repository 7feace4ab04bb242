import { z } from 'zod';

const registryUrl = z.url({
  error: 'expected the URL of the Confluent-compatible API, e.g. http://127.0.0.1:8080/apis/ccompat/v7',
});
/** Reads the settings a command needs from the environment; a missing or bad one stops it with a message naming it. */
export function readSettings<T extends z.ZodRawShape>(
  shape: T,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    return `${name}: ${env[name] === undefined ? 'missing' : issue.message}`;
  });
  throw new Error(`invalid settings:\n  ${problems.join('\n  ')}`);
}

export const settings = { registryUrl };

/** Runs a command's main function: failures print their message and exit 1. */
export function runCommand(name: string, main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    process.stderr.write(`${name} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
