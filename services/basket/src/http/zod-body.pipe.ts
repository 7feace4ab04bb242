import { BadRequestException, type PipeTransform } from '@nestjs/common';
import { z } from 'zod';

/** Parses a request body with a zod schema; a mismatch is a 400 naming every bad field. */
export class ZodBodyPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const reason = result.error.issues
      .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
      .join('; ');
    throw new BadRequestException(reason);
  }
}

/** The JSON schema of a request body, for the OpenAPI document. */
export const openApiSchema = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { target: 'openapi-3.0' }) as Record<string, unknown>;
