import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/config';
import { IngestModule } from './ingest.module';

/** Builds the ingest application (not yet listening); used by main.ts and by the tests. */
export async function createIngestApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.ingest.bodyLimitBytes,
    // Bound every phase of a request so slow or stalled clients cannot hold sockets.
    connectionTimeout: 30_000,
    requestTimeout: 30_000,
    keepAliveTimeout: 72_000,
    return503OnClosing: false,
  });
  // Only JSON is accepted: without the text/plain parser, other media types get 415.
  adapter.getInstance().removeContentTypeParser('text/plain');
  const app = await NestFactory.create<NestFastifyApplication>(IngestModule.forRoot(config), adapter, {
    bufferLogs: false,
  });
  app.enableShutdownHooks();
  return app;
}
