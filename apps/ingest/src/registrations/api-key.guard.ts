import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig } from '@app/config';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * `Authorization: Bearer <key>` against REGISTRATION_API_KEYS. Both sides are hashed before the
 * constant-time comparison, so neither a key's content nor its length leaks through timing, and
 * every key is compared on every request.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keyDigests: Buffer[] | undefined;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keyDigests = config.registrations.auth === 'none' ? undefined : config.registrations.apiKeys.map(digest);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.keyDigests) return true;
    const http = context.switchToHttp();
    const header = http.getRequest<FastifyRequest>().headers.authorization;
    const presented = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    const reply = http.getResponse<FastifyReply>();
    if (presented === undefined) {
      reply.header('WWW-Authenticate', 'Bearer realm="registrations"');
      throw unauthorized('missing API key: send Authorization: Bearer <key>');
    }
    const candidate = digest(presented);
    let match = false;
    for (const key of this.keyDigests) match = timingSafeEqual(candidate, key) || match;
    if (!match) {
      reply.header('WWW-Authenticate', 'Bearer realm="registrations", error="invalid_token"');
      throw unauthorized('the API key is not valid');
    }
    return true;
  }
}

function unauthorized(message: string): HttpException {
  return new HttpException({ statusCode: 401, error: 'Unauthorized', message }, HttpStatus.UNAUTHORIZED);
}
