import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';

export interface Problem {
  error: string;
  reason: string;
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'error' in value && 'reason' in value;
}

function errorCode(status: number): string {
  const name: string | undefined = HttpStatus[status];
  return name ? name.toLowerCase() : `http_${status}`;
}

/**
 * Every error answer has one shape, `{ error, reason }`. A malformed request is a 4xx that
 * names what is wrong (Nest's Express adapter already turns body-parser failures, such as
 * malformed JSON, into 4xx HttpExceptions); only a bug in the simulator is a 500.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const malformedJson = exception.cause instanceof SyntaxError;
      const body: Problem = isProblem(response)
        ? response
        : malformedJson
          ? { error: 'malformed_json', reason: `the body is not valid JSON: ${exception.message}` }
          : { error: errorCode(status), reason: exception.message };
      res.status(status).json(body);
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    res
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ error: 'internal_error', reason: 'the simulator failed; see its log' });
  }
}
