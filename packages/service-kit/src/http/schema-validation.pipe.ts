import {
  type ArgumentMetadata,
  BadRequestException,
  Injectable,
  StandardSchemaValidationPipe,
} from '@nestjs/common';

type Issues = Parameters<StandardSchemaValidationPipe['formatIssueMessages']>[0];

/**
 * Every service's one validation of HTTP input (PlatformModule installs it as the global
 * pipe): Nest's standard-schema validation of each parameter declared with a schema, e.g.
 * `@Param('orderId', { schema: uuidParam('an order id') })`, `@Body({ schema })` or
 * `@RequestHeader('Idempotency-Key', { schema })`. The same
 * zod schema is what @nestjs/swagger reads for the OpenAPI document.
 *
 * A mismatch answers 400 in Nest's usual shape, `{ statusCode, error, message }`, with one
 * message naming every bad field: `orderId: "x" is not an order id (a UUID)`,
 * `shippingAddress.city: ...`. A problem with the value as a whole is named after the
 * parameter (`orderId`), or `body` or `query` when the whole object is validated.
 */
@Injectable()
export class SchemaValidationPipe extends StandardSchemaValidationPipe {
  constructor() {
    // Custom parameter decorators too, such as RequestHeader, when they declare a schema.
    super({ validateCustomDecorators: true });
  }

  override async transform<T = unknown>(value: T, metadata: ArgumentMetadata): Promise<T> {
    const { schema } = metadata;
    if (!schema || !this.toValidate(metadata)) return value;
    this.stripProtoKeys(value);
    const result = await this.validate<T>(value, schema, this.validateOptions);
    if (!result.issues) return result.value;
    throw new BadRequestException(this.reasonOf(result.issues, subjectOf(metadata)));
  }

  /** The issues as one message, each prefixed with its field's path (the base class caps the length). */
  protected reasonOf(issues: Issues, subject: string): string {
    return this.formatIssueMessages(
      issues.map((issue) => (issue.path?.length ? issue : { ...issue, path: [subject] })),
    ).join('; ');
  }
}

/** What a validated parameter is called in a message: its name, or `body`, `query`, `param`. */
function subjectOf({ type, data }: ArgumentMetadata): string {
  return typeof data === 'string' && data.length > 0 ? data : type;
}
