import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Config } from '../config';

/**
 * What the basket adds to its HTTP application before it listens: a body limit (a larger
 * body is answered 413 before it is read to the end; Nest then skips its own 100 kB
 * parsers), and the OpenAPI document at /docs-json with its UI at /docs.
 */
export function configureHttp(app: NestExpressApplication, config: Config): void {
  app.useBodyParser('json', { limit: config.HTTP_BODY_LIMIT_BYTES });
  app.useBodyParser('urlencoded', { limit: config.HTTP_BODY_LIMIT_BYTES, extended: false });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('basket')
      .setDescription(
        'The catalogue, customers’ baskets and their checkout. A checkout emits OrderRequested on basket.order-requested.v1.',
      )
      .setVersion('1')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  new Logger('Http').log('OpenAPI document at /docs-json, UI at /docs');
}
