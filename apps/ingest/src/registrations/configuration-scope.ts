import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

/** The configuration a registration request names: `configId` of the query or the body, if any. */
export function namedConfigId(request: FastifyRequest): string | undefined {
  const fromQuery = (request.query as { configId?: unknown } | undefined)?.configId;
  if (typeof fromQuery === 'string' && fromQuery.length > 0) return fromQuery;
  const body = request.body;
  const fromBody = typeof body === 'object' && body !== null ? (body as { configId?: unknown }).configId : undefined;
  if (typeof fromBody === 'string' && fromBody.length > 0) return fromBody;
  return undefined;
}

/**
 * The configuration a registration request addresses: the one it names, else the default
 * configuration (what RegistrationService resolves too).
 */
export function addressedConfigId(request: FastifyRequest, defaultConfigId: string): string {
  return namedConfigId(request) ?? defaultConfigId;
}

/** A key created for one configuration reads and writes only that configuration's registrations: 403 otherwise. */
export function assertConfigurationScope(request: FastifyRequest, scope: 'all' | string, defaultConfigId: string): void {
  if (scope === 'all') return;
  const configId = addressedConfigId(request, defaultConfigId);
  if (configId === scope) return;
  throw new HttpException(
    {
      statusCode: 403,
      error: 'Forbidden',
      message: `this API key belongs to configuration [${scope}]: it cannot reach the registrations of [${configId}] (pass configId=${scope})`,
      field: 'configId',
    },
    HttpStatus.FORBIDDEN,
  );
}
