import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, HttpException, HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, type AppConfig, RegistrationKeyStore } from '@app/config';
import { assertConfigurationScope, namedConfigId } from './configuration-scope';
import { CustomerTokenVerifier, unauthorized } from './customer-token.verifier';
import { ACROSS_CONFIGURATIONS, APP_KEY_ROUTE, type CallerRequest, type RegistrationCaller, type ResolvedRegistrationKey } from './registration-caller';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const TOKEN = /^[ \t]*([^\s]+)[ \t]*$/;
export const API_KEY_HEADER = 'x-api-key';
export const CUSTOMER_TOKEN_HEADER = 'x-customer-token';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/**
 * Authenticates the registration API. The key comes as `Authorization: Bearer <key>` or
 * `X-Api-Key: <key>`; server keys (REGISTRATION_API_KEYS) pass every route, app keys
 * (REGISTRATION_APP_KEYS) only routes marked with @AppKeyRoute. With customer binding on, an app
 * request also carries the customer's JWT (`X-Customer-Token`, or `Authorization: Bearer` beside an
 * X-Api-Key). Keys are hashed before the constant-time comparison, so neither content nor length
 * leaks through timing, and every key is compared on every request.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly keys: Array<{ digest: Buffer; key: ResolvedRegistrationKey }> | undefined;
  private readonly defaultConfigId: string;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly customerTokens: CustomerTokenVerifier,
    private readonly reflector: Reflector,
    // Per-configuration keys created through the admin API, kept live in memory by the configuration sync.
    @Optional() private readonly configurationKeys?: RegistrationKeyStore,
  ) {
    this.defaultConfigId = config.axp.defaultConfigId;
    const { auth, apiKeys, appKeys } = config.registrations;
    this.keys =
      auth === 'none'
        ? undefined
        : [
            ...apiKeys.map((key) => ({ digest: digest(key), key: { kind: 'server', scope: 'all' } as const })),
            ...appKeys.map((key) => ({ digest: digest(key), key: { kind: 'app', scope: 'all' } as const })),
          ];
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & CallerRequest>();
    const reply = http.getResponse<FastifyReply>();
    const fromApiKeyHeader = header(request, API_KEY_HEADER) !== undefined;
    const key = this.authenticate(request, reply);
    // A route that looks across configurations stays within the key's own when the request names none.
    const across = this.reflector.getAllAndOverride<boolean>(ACROSS_CONFIGURATIONS, [context.getHandler(), context.getClass()]);
    if (!across || namedConfigId(request) !== undefined) assertConfigurationScope(request, key.scope, this.defaultConfigId);
    const appAllowed = this.reflector.getAllAndOverride<boolean>(APP_KEY_ROUTE, [context.getHandler(), context.getClass()]);
    if (key.kind === 'app' && !appAllowed) {
      throw new HttpException(
        {
          statusCode: 403,
          error: 'Forbidden',
          message:
            'this route needs a server key (REGISTRATION_API_KEYS): an app key may only register, read, renew or delete one registration by its device token',
        },
        HttpStatus.FORBIDDEN,
      );
    }
    const caller: RegistrationCaller = { key };
    const jwt = this.customerJwt(request, fromApiKeyHeader);
    if (this.customerTokens.enabled) {
      if (jwt !== undefined) caller.customerId = await this.customerTokens.customerId(jwt);
      else if (key.kind === 'app') {
        throw unauthorized(`missing customer token: send ${CUSTOMER_TOKEN_HEADER}: <JWT> (registrations are bound to their customer)`);
      }
    }
    request.registrationCaller = caller;
    return true;
  }

  private authenticate(request: FastifyRequest, reply: FastifyReply): ResolvedRegistrationKey {
    if (!this.keys) return { kind: 'server', scope: 'all' };
    const apiKeyHeader = header(request, API_KEY_HEADER);
    const authorization = header(request, 'authorization');
    const presented =
      apiKeyHeader !== undefined ? TOKEN.exec(apiKeyHeader)?.[1] : authorization !== undefined ? BEARER.exec(authorization)?.[1] : undefined;
    if (presented === undefined) {
      reply.header('WWW-Authenticate', 'Bearer realm="registrations"');
      throw unauthorized('missing API key: send Authorization: Bearer <key> (or X-Api-Key: <key>)');
    }
    const candidate = digest(presented);
    let match: ResolvedRegistrationKey | undefined;
    for (const entry of this.keys) if (timingSafeEqual(candidate, entry.digest) && !match) match = entry.key;
    match ??= this.configurationKeys?.resolve(presented);
    if (!match) {
      reply.header('WWW-Authenticate', 'Bearer realm="registrations", error="invalid_token"');
      throw unauthorized('the API key is not valid');
    }
    return match;
  }

  /** The customer JWT: X-Customer-Token, or the Authorization bearer when the key came in X-Api-Key. */
  private customerJwt(request: FastifyRequest, keyInApiKeyHeader: boolean): string | undefined {
    const dedicated = header(request, CUSTOMER_TOKEN_HEADER);
    if (dedicated !== undefined) return TOKEN.exec(dedicated)?.[1] ?? '';
    const authorization = header(request, 'authorization');
    if (!keyInApiKeyHeader || authorization === undefined) return undefined;
    return BEARER.exec(authorization)?.[1] ?? '';
  }
}
