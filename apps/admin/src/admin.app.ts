import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { ClientErrorFilter } from '@app/observability';
import { AdminModule } from './admin.module';
import { basicAuthHook } from './auth/basic-auth.hook';
import { requestValidationPipe } from './request-validation.pipe';

/** For the platform's probes and Prometheus; everything else of the admin app needs credentials. */
export const OPEN_ROUTES = ['/health/live', '/health/ready', '/metrics'] as const;

/** Builds the admin application (not yet listening); used by main.ts and by the tests. */
export async function createAdminApp(config: AppConfig): Promise<NestFastifyApplication> {
  const { username, password } = config.admin;
  if (!username || !password) throw new Error('the admin app needs ADMIN_USERNAME and ADMIN_PASSWORD');
  // A replay of a large dead-letter queue may take a while: allow two minutes per request.
  const adapter = new FastifyAdapter({ connectionTimeout: 120_000, requestTimeout: 120_000 });
  // Added to the root instance before any route or plugin exists, so it guards all of them.
  adapter
    .getInstance()
    .addHook('onRequest', basicAuthHook({ username, password, realm: 'AXP push admin', openRoutes: OPEN_ROUTES }));
  const app = await NestFactory.create<NestFastifyApplication>(AdminModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // Nest would flush its start-up buffer only on listen(); from here on pino writes directly.
  app.flushLogs();
  app.useGlobalFilters(new ClientErrorFilter(app.getHttpAdapter()));
  app.useGlobalPipes(requestValidationPipe());
  app.enableShutdownHooks();
  return app;
}
