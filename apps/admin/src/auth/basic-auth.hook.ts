import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface BasicAuthOptions {
  username: string;
  password: string;
  realm: string;
  /** Route patterns served without credentials (probes, metrics); every other request needs them. */
  openRoutes: readonly string[];
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Constant-time check of an `Authorization: Basic …` header. Both sides are hashed first so the
 * comparison takes the same time whatever the lengths, and both fields are always compared.
 */
export function basicCredentialsMatch(header: string | undefined, username: string, password: string): boolean {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
  const colon = decoded.indexOf(':');
  const givenUser = colon >= 0 ? decoded.slice(0, colon) : '';
  const givenPassword = colon >= 0 ? decoded.slice(colon + 1) : '';
  const userOk = timingSafeEqual(digest(givenUser), digest(username));
  const passwordOk = timingSafeEqual(digest(givenPassword), digest(password));
  return match !== null && colon >= 0 && userOk && passwordOk;
}

/**
 * A Fastify `onRequest` hook for the root instance, so it runs ahead of every route, including the
 * ones bull-board adds as its own plugin. Deny by default: the decision uses the route the router
 * matched, not the raw URL, so no spelling of a path (percent-encoding, dot segments) gets around
 * it, and requests that match no route need credentials too.
 */
export function basicAuthHook(options: BasicAuthOptions) {
  const open = new Set(options.openRoutes);
  const challenge = `Basic realm="${options.realm}", charset="UTF-8"`;
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = request.routeOptions.url;
    if (route !== undefined && open.has(route)) return;
    if (basicCredentialsMatch(request.headers.authorization, options.username, options.password)) return;
    await reply
      .code(401)
      .header('WWW-Authenticate', challenge)
      .header('Cache-Control', 'no-store')
      .send({ statusCode: 401, error: 'Unauthorized', message: 'valid admin credentials are required' });
  };
}
