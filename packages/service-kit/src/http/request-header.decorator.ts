import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/**
 * A request header as a handler parameter that the validation pipe checks like any other,
 * e.g. `@RequestHeader('Idempotency-Key', { schema })` (Nest's own `@Headers` takes no
 * schema). A 400 names the header as it is written here.
 */
export const RequestHeader = createParamDecorator(
  (name: string, context: ExecutionContext): string | string[] | undefined =>
    context.switchToHttp().getRequest<Request>().headers[name.toLowerCase()],
);
