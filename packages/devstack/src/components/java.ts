import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { StackContext } from '../component';
import { version } from '../stack-context';

/** JVM options every Java component of the stack runs with. */
export const jvmCommonOpts = [
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
];

/** A heap setting such as KAFKA_HEAP_OPTS, split into arguments. */
export function heapOpts(ctx: StackContext, variable: string, fallback: string): string[] {
  return (ctx.env[variable] ?? fallback).split(/\s+/).filter(Boolean);
}

/** The Kafka jars (broker, tools, Connect worker), copied from Maven Central into the cache. */
export function kafkaLib(ctx: StackContext): string {
  return join(
    ctx.cacheDir,
    `kafka_${version(ctx, 'SCALA_BINARY_VERSION')}-${version(ctx, 'KAFKA_VERSION')}`,
    'lib',
  );
}

export function log4jConfig(ctx: StackContext, file: string): string {
  return `-Dlog4j.configuration=file:${join(ctx.repoRoot, 'infra/native', file)}`;
}

/** The environment of a Java process: PATH (for java) and nothing the caller happens to have. */
export function javaEnv(ctx: StackContext): Record<string, string> {
  const env: Record<string, string> = { PATH: ctx.env.PATH ?? '/usr/bin:/bin' };
  if (ctx.env.JAVA_HOME) env.JAVA_HOME = ctx.env.JAVA_HOME;
  if (ctx.env.HOME) env.HOME = ctx.env.HOME;
  return env;
}

/**
 * A KRaft cluster id: 16 random bytes, URL-safe base64 without padding, as Kafka's
 * Uuid.randomUuid() makes them (not starting with '-').
 */
export function kafkaClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Every environment variable of the current context that the @NAME@ templates may use. */
export function templateValues(ctx: StackContext, extra: Record<string, string>): Record<string, string> {
  return {
    KAFKA_PORT: String(ctx.ports.kafka),
    KAFKA_CONTROLLER_PORT: String(ctx.ports.kafkaController),
    CONNECT_PORT: String(ctx.ports.connect),
    REGISTRY_PORT: String(ctx.ports.registry),
    REGISTRY_MANAGEMENT_PORT: String(ctx.ports.registryManagement),
    ...extra,
  };
}
