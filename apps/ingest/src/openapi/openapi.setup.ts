import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@app/config';
import { CallbackModule } from '../callback/callback.module';
import { RegistrationsModule } from '../registrations/registrations.module';

export const OPENAPI_PATH = 'docs';

/** The ingest's public API (AXP callback and registrations); also written to docs/openapi.json. */
export function ingestOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = new DocumentBuilder()
    .setTitle('AXP push connector: ingest')
    .setDescription(
      'Signed AXP push-notification callbacks in; device registrations (ours under /v1, and the routes of ' +
        "Avaya's sample connector under /custom-notification-connector) for the apps that receive the pushes.",
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'one of REGISTRATION_API_KEYS' })
    .build();
  return SwaggerModule.createDocument(app, document, { include: [CallbackModule, RegistrationsModule] });
}

/**
 * The ingest's public API as OpenAPI: UI at /docs, JSON at /docs-json. Off unless OPENAPI_ENABLED
 * (default on outside production).
 */
export function setupOpenApi(app: NestFastifyApplication, config: AppConfig): void {
  if (!config.ingest.openApiEnabled) return;
  SwaggerModule.setup(OPENAPI_PATH, app, () => ingestOpenApiDocument(app), {
    jsonDocumentUrl: `${OPENAPI_PATH}-json`,
    yamlDocumentUrl: `${OPENAPI_PATH}-yaml`,
  });
}
