import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { type BaseConfig, ConfigError, loadConfig } from './config';

/** The settings runService itself reads. */
export type RunConfig = Pick<BaseConfig, 'SERVICE_NAME' | 'PORT' | 'HOST' | 'SHUTDOWN_TIMEOUT_MS'>;

export interface ServiceDefinition<S extends z.ZodType<RunConfig>> {
  configSchema: S;
  appModule: (config: z.infer<S>) => DynamicModule;
  /** What a service adds to its HTTP application before it listens (body limits, OpenAPI). */
  configure?: (app: NestExpressApplication, config: z.infer<S>) => void;
}

/**
 * Starts a service: validates its configuration (a bad or missing setting stops the
 * process with exit code 1 and names the setting), serves HTTP with JSON logs, and on
 * SIGTERM or SIGINT stops taking requests, lets Nest's shutdown hooks close consumers
 * and pools, then exits.
 */
export async function runService<S extends z.ZodType<RunConfig>>(
  definition: ServiceDefinition<S>,
): Promise<void> {
  let config: z.infer<S>;
  try {
    config = loadConfig(definition.configSchema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `${JSON.stringify({ level: 'fatal', msg: error.message, problems: error.problems })}\n`,
      );
      process.exit(1);
    }
    throw error;
  }
  const app = await NestFactory.create<NestExpressApplication>(definition.appModule(config), {
    bufferLogs: true,
  });
  const logger = app.get(Logger);
  app.useLogger(logger);
  // Node prints process warnings (KafkaJS 2.2.4 triggers TimeoutNegativeWarning on Node 24)
  // as plain text on stderr; send them through the logger so every line stays JSON.
  process.removeAllListeners('warning');
  process.on('warning', (warning) =>
    logger.warn({ warning: warning.name, stack: warning.stack }, warning.message),
  );
  // On SIGTERM/SIGINT: stop taking requests, run every shutdown hook (consumers commit or
  // roll back, pools close), then exit 0. A hook that hangs (a broker that went away) must
  // not keep the process alive, so a timer forces exit 1 after SHUTDOWN_TIMEOUT_MS.
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.log(`received ${signal}, shutting down`);
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  definition.configure?.(app, config);
  await app.listen(config.PORT, config.HOST);
  logger.log(`${config.SERVICE_NAME} listening on ${config.HOST}:${config.PORT}`);
}
