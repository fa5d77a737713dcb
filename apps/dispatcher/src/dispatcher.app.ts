import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { AppConfig } from '@app/config';
import { DispatcherModule } from './dispatcher.module';

/** Builds the dispatcher (not yet listening); its worker starts consuming once the app is initialised. */
export async function createDispatcherApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ connectionTimeout: 30_000, requestTimeout: 30_000 });
  const app = await NestFactory.create<NestFastifyApplication>(DispatcherModule.forRoot(config), adapter, {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  // SIGTERM: the worker stops taking jobs and finishes those in flight before the process exits.
  app.enableShutdownHooks();
  return app;
}
