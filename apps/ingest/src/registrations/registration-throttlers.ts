import { createHash } from 'node:crypto';
import { type ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import type { AppConfig } from '@app/config';
import { API_KEY_HEADER } from './api-key.guard';

const BEARER = /^Bearer[ \t]+([^\s]+)/i;

/**
 * The presented key, hashed (the throttler's store never holds a key). Requests without one share
 * a bucket; they are refused with 401 anyway, and the per-client budget still applies to them.
 */
function keyTracker(request: Record<string, unknown>): string {
  const headers = (request.headers ?? {}) as Record<string, unknown>;
  const apiKey = headers[API_KEY_HEADER];
  const authorization = headers.authorization;
  const presented =
    typeof apiKey === 'string' ? apiKey.trim() : typeof authorization === 'string' ? BEARER.exec(authorization)?.[1] : undefined;
  return presented ? `key:${createHash('sha256').update(presented, 'utf8').digest('base64url')}` : 'key:none';
}

/**
 * Two budgets per minute across every registration route: one per client address
 * (REGISTRATION_RATE_LIMIT) and one per presented key (REGISTRATION_KEY_RATE_LIMIT), so neither
 * many clients sharing one key nor one client cycling keys goes unchecked.
 */
export function registrationThrottlers(config: AppConfig): ThrottlerModuleOptions {
  const { rateLimitPerMinute, keyRateLimitPerMinute } = config.registrations;
  return {
    throttlers: [
      { name: 'default', ttl: 60_000, limit: rateLimitPerMinute },
      { name: 'key', ttl: 60_000, limit: keyRateLimitPerMinute, getTracker: keyTracker },
    ],
    // One budget across every registration route, not one per route.
    generateKey: (_context, tracker, name) => `registrations:${name}:${tracker}`,
    errorMessage: (_context, detail) =>
      detail.tracker.startsWith('key:')
        ? `too many registration requests with this key: at most ${detail.limit} per minute`
        : `too many registration requests: at most ${detail.limit} per minute`,
  };
}

/** The throttler guard, with `Retry-After` on every 429 (the per-key budget's too, not only `Retry-After-key`). */
@Injectable()
export class RegistrationThrottlerGuard extends ThrottlerGuard {
  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    context.switchToHttp().getResponse<FastifyReply>().header('Retry-After', detail.timeToBlockExpire);
    return super.throwThrottlingException(context, detail);
  }
}
