import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AxpConfigurationRegistry } from '@app/config';
import type { PushMetrics } from '@app/observability';

const CALLBACK_ROUTES = ['/v1/axp/:configId/notifications', '/custom-notification-connector/axp-callback/notifications'];
const CALLBACK_ROUTE_SET = new Set(CALLBACK_ROUTES);

/** One metric sample and one log line per AXP callback, whatever answered it. */
export class CallbackTelemetry {
  constructor(
    private readonly metrics: PushMetrics,
    private readonly configurations: AxpConfigurationRegistry,
    private readonly logger: Logger,
  ) {}

  /** `configId` undefined: the default configuration. `body` is the parsed body, when there was one. */
  record(configId: string | undefined, status: number, body: unknown, ms: number): void {
    const config = configId ?? this.configurations.defaultId;
    this.metrics.callbackReceived(config, status);
    const { eventId, sessionId } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const fields = {
      configId: config.slice(0, 128),
      eventId: typeof eventId === 'string' ? eventId.slice(0, 128) : undefined,
      sessionId: typeof sessionId === 'string' ? sessionId.slice(0, 128) : undefined,
      status,
      ms: Math.round(ms * 100) / 100,
    };
    if (status >= 500) this.logger.error(fields, 'callback not stored');
    else if (status >= 400) this.logger.warn(fields, 'callback refused');
    else this.logger.info(fields, 'callback accepted');
  }

  /**
   * Records the callbacks Fastify answers (through the Nest controller, or its parser for
   * 413/415/400), after the response so the client never waits for it.
   */
  registerFastifyHook(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      if (CALLBACK_ROUTE_SET.has(request.routeOptions.url ?? '')) {
        this.record((request.params as { configId?: string }).configId, reply.statusCode, request.body, reply.elapsedTime);
      }
      done();
    });
  }
}
