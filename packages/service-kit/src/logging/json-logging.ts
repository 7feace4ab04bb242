import type { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type Logger, pino } from 'pino';
import type { BaseConfig } from '../config';

/**
 * The one logging of a process: a pino logger whose every line is JSON and names the
 * service, and the Nest module that sends Nest's lines and the HTTP requests through it.
 * Requests whose path matches `quiet` go unlogged: probes every few seconds would drown
 * the log.
 */
export function jsonLogging(
  config: Pick<BaseConfig, 'LOG_LEVEL' | 'SERVICE_NAME'>,
  quiet: RegExp = /^\/health/,
): { logger: Logger; module: DynamicModule } {
  const logger = pino({ level: config.LOG_LEVEL, base: { service: config.SERVICE_NAME } });
  const module = LoggerModule.forRoot({
    pinoHttp: { logger, autoLogging: { ignore: (req) => quiet.test(req.url ?? '') } },
  });
  return { logger, module };
}
