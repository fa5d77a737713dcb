/**
 * `application/x-www-form-urlencoded` bodies, for the sample connector's registration routes only:
 * apps written against Avaya's sample may send their registrations as forms, which the sample parses.
 * Every other route stays JSON-only and answers such a body with 415, as before.
 */
import { BadRequestException, HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export const FORM_MEDIA_TYPE = 'application/x-www-form-urlencoded';
/** The sample's registration routes (`…/device-registrations`, `…/{deviceToken}`, `…:search`). */
const SAMPLE_REGISTRATION_ROUTE = /^\/custom-notification-connector\/device-registrations(?:$|[/:])/;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A form as the object the routes' DTOs validate: one string per field, a list when a field repeats
 * (which the DTOs then refuse with a 400 naming it). URLSearchParams never throws: a broken
 * %-sequence stays as written, invalid UTF-8 becomes U+FFFD.
 */
export function parseForm(text: string): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    const seen = form[key];
    if (seen === undefined) form[key] = value;
    else form[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return form;
}

function isSampleRegistrationRoute(request: FastifyRequest): boolean {
  return SAMPLE_REGISTRATION_ROUTE.test(request.routeOptions.url ?? '');
}

export function registerFormBodyParser(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addContentTypeParser(FORM_MEDIA_TYPE, { parseAs: 'string', bodyLimit }, (request, raw, done) => {
    if (!isSampleRegistrationRoute(request)) {
      const type = String(request.headers['content-type'] ?? '').slice(0, 100);
      done(new HttpException(`Unsupported Media Type: ${type}`, HttpStatus.UNSUPPORTED_MEDIA_TYPE), undefined);
      return;
    }
    try {
      done(null, parseForm(raw as string));
    } catch {
      done(new BadRequestException('the form body could not be read'), undefined);
    }
  });
}
