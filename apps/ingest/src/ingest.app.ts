import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { type AppConfig, AxpConfigurationRegistry } from '@app/config';
import { ClientErrorFilter, createEventLogger, PushMetrics } from '@app/observability';
import { CallbackHttpHandler } from './callback/callback-http.handler';
import { CallbackService } from './callback/callback.service';
import { CallbackTelemetry } from './callback/callback-telemetry';
import { IngestModule } from './ingest.module';
import { registerFormBodyParser } from './form-body.parser';
import { registerJsonBodyParser } from './json-body.parser';
import { setupOpenApi } from './openapi/openapi.setup';

export interface IngestAppOptions {
  /** Where the per-callback lines go (stdout when absent; tests read them from a stream). */
  callbackLog?: DestinationStream;
}

// Bound every phase of a request so slow or stalled clients cannot hold sockets: headers within
// 10 s, the whole request within 30 s, 30 s of silence; checked every 2 s (Node's default is 30 s).
// Keep-alive longer than the idle timeout of the load balancers in front (60 s), so they close first.
const SERVER_LIMITS = { headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 2_000 };
const IDLE_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * Builds the ingest application (not yet listening); used by main.ts and by the tests. A listening
 * ingest answers AXP callbacks from CallbackHttpHandler ahead of Fastify (the hot path); every other
 * request, and `app.inject()`, goes through Fastify and Nest.
 */
export async function createIngestApp(config: AppConfig, options: IngestAppOptions = {}): Promise<NestFastifyApplication> {
  // Set once the app exists; until then (and for app.inject()) every request goes to Fastify.
  const direct: { callbacks?: CallbackHttpHandler } = {};
  const adapter = new FastifyAdapter({
    bodyLimit: config.ingest.bodyLimitBytes,
    serverFactory: (fastify: (req: IncomingMessage, res: ServerResponse) => void) => {
      const server = createServer(SERVER_LIMITS, (req, res) => {
        if (!direct.callbacks?.tryHandle(req, res)) fastify(req, res);
      });
      server.setTimeout(IDLE_TIMEOUT_MS);
      server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
      return server;
    },
    return503OnClosing: false,
    // FCM tokens (≤ 4096 chars) travel in the path; longer values still reach validation and get a 400.
    routerOptions: { maxParamLength: 8192 },
    // The client address (rate limit per client) comes from X-Forwarded-For only behind trusted proxies.
    trustProxy: config.ingest.trustProxy,
  });
  // Only JSON is accepted (and forms on the sample's registration routes): without the text/plain
  // parser (and without Nest's form parser, which `bodyParser: false` leaves out), others get 415.
  adapter.getInstance().removeContentTypeParser('text/plain');
  registerJsonBodyParser(adapter.getInstance(), config.ingest.bodyLimitBytes);
  registerFormBodyParser(adapter.getInstance(), config.ingest.bodyLimitBytes);
  const app = await NestFactory.create<NestFastifyApplication>(IngestModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  app.useGlobalFilters(new ClientErrorFilter(app.getHttpAdapter()));
  const telemetry = new CallbackTelemetry(
    app.get(PushMetrics),
    app.get(AxpConfigurationRegistry),
    createEventLogger(config, 'Callback', options.callbackLog),
  );
  telemetry.registerFastifyHook(adapter.getInstance());
  direct.callbacks = new CallbackHttpHandler(app.get(CallbackService), telemetry, config.ingest.bodyLimitBytes);
  setupOpenApi(app, config);
  app.enableShutdownHooks();
  return app;
}
