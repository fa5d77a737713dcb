import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AxpConfigurationRegistry } from '@app/config';
import type { PushMetrics } from '@app/observability';

export const CALLBACK_ROUTES = ['/v1/axp/:configId/notifications', '/custom-notification-connector/axp-callback/notifications'];
const CALLBACK_ROUTE_SET = new Set(CALLBACK_ROUTES);

/**
 * One metric sample and one log line per AXP callback, whatever answered it (the controller, or
 * Fastify's parser for 413/415/400), written after the response so the client never waits for it.
 */
export function registerCallbackTelemetry(
  fastify: FastifyInstance,
  metrics: PushMetrics,
  configurations: AxpConfigurationRegistry,
  logger: Logger,
): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    if (!CALLBACK_ROUTE_SET.has(request.routeOptions.url ?? '')) return done();
    const configId = (request.params as { configId?: string }).configId ?? configurations.defaultId;
    const status = reply.statusCode;
    metrics.callbackReceived(configId, status);
    const body = request.body as { eventId?: unknown; sessionId?: unknown } | undefined;
    const fields = {
      configId,
      eventId: typeof body?.eventId === 'string' ? body.eventId.slice(0, 128) : undefined,
      sessionId: typeof body?.sessionId === 'string' ? body.sessionId.slice(0, 128) : undefined,
      status,
      ms: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (status >= 500) logger.error(fields, 'callback not stored');
    else if (status >= 400) logger.warn(fields, 'callback refused');
    else logger.info(fields, 'callback accepted');
    done();
  });
}
