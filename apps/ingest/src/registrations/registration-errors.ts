import { HttpException, HttpStatus } from '@nestjs/common';

/** A 400 that names the offending field, shaped like the callback's 400s. */
export function badRequest(message: string, field?: string, errors?: Array<{ field: string; message: string }>) {
  return new HttpException(
    { statusCode: 400, error: 'Bad Request', message, ...(field ? { field } : {}), ...(errors ? { errors } : {}) },
    HttpStatus.BAD_REQUEST,
  );
}

export function storeUnavailable(): HttpException {
  return new HttpException(
    { statusCode: 503, error: 'Service Unavailable', message: 'registration store unavailable' },
    HttpStatus.SERVICE_UNAVAILABLE,
  );
}

/** The sample connector's 404 body, `{"message": "<what> [<value>] not found"}`, used by every route. */
export function notFound(what: 'configId' | 'deviceToken' | 'sessionId', value: string): HttpException {
  return new HttpException({ message: `${what} [${value}] not found` }, HttpStatus.NOT_FOUND);
}

const SOCKET_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);
/** SQLSTATE classes meaning "cannot serve now": connection, resources, operator action, auth, missing database. */
const UNAVAILABLE_SQLSTATE = /^(08|53|57|28|3D)/;
/** What pg and TypeORM say when the pool cannot get or keep a connection. */
const UNAVAILABLE_MESSAGE = new RegExp(
  [
    'timeout exceeded when trying to connect',
    'Connection terminated',
    'Driver not Connected',
    'Query read timeout',
    'connection error',
    'not queryable',
  ].join('|'),
  'i',
);

/**
 * True when a store error means Postgres is away or overloaded (answer 503), not a defect in our
 * SQL (let it surface as a 500 so it gets fixed).
 */
export function isStoreUnavailable(error: unknown): boolean {
  // Duck-typed: socket errors come from Node's own realm, where `instanceof Error` may not hold.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, driverError } = error as { code?: unknown; message?: unknown; driverError?: unknown };
  if (typeof code === 'string' && (SOCKET_ERRORS.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
  if (driverError !== undefined && driverError !== error && isStoreUnavailable(driverError)) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message);
}
