import 'reflect-metadata';
import type { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import type { z } from 'zod';
import { type BaseConfig, ConfigError, loadConfig } from './config';

export interface ServiceDefinition<S extends z.ZodType<BaseConfig>> {
  configSchema: S;
  appModule: (config: z.infer<S>) => DynamicModule;
}

/**
 * Starts a service: validates its configuration (a bad or missing setting stops the
 * process with exit code 1 and names the setting), serves HTTP with JSON logs, and on
 * SIGTERM or SIGINT stops taking requests, lets Nest's shutdown hooks close consumers
 * and pools, then exits.
 */
export async function runService<S extends z.ZodType<BaseConfig>>(definition: ServiceDefinition<S>): Promise<void> {
  let config: z.infer<S>;
  try {
    config = loadConfig(definition.configSchema);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: error.message, problems: error.problems })}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await NestFactory.create(definition.appModule(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const forceExit = () => {
    // Shutdown hooks that hang (a broker that went away) must not keep the process alive.
    setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS).unref();
  };
  process.once('SIGTERM', forceExit);
  process.once('SIGINT', forceExit);
  await app.listen(config.PORT, config.HOST);
  app.get(Logger).log(`${config.SERVICE_NAME} listening on ${config.HOST}:${config.PORT}`);
}
