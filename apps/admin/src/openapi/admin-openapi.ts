import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ADMIN_BASIC_AUTH } from './admin-api.openapi';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** The platform's probes and metrics are no API for clients (pages opt out with @ApiExcludeController). */
const PLATFORM_PATH = /^\/(health\/|metrics$)/;

/**
 * The admin app's API (behind basic auth) as OpenAPI, written to docs/openapi.json with the
 * ingest's. Every controller of the app is picked up; decorate it (ApiAdminOperation) to describe it.
 */
export function adminOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('AXP push connector: admin')
    .setDescription('Internal operations API: dead-letter replay, test pushes. HTTP basic auth (ADMIN_USERNAME).')
    .setVersion('1')
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'ADMIN_USERNAME and ADMIN_PASSWORD' }, ADMIN_BASIC_AUTH)
    .build();
  const document = SwaggerModule.createDocument(app, config, { autoTagControllers: false });
  const paths = Object.entries(document.paths).filter(([path]) => !PLATFORM_PATH.test(path));
  // The whole admin API sits behind basic auth, whether or not a route says so itself.
  for (const [, item] of paths) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation && !operation.security) operation.security = [{ [ADMIN_BASIC_AUTH]: [] }];
    }
  }
  return { ...document, paths: Object.fromEntries(paths) };
}
