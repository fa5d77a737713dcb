/**
 * fast-check arbitraries for requests to the ingest: every public route (and random ones), methods,
 * paths with arbitrary bytes, headers and bodies shaped like the real ones but with hostile values.
 */
import fc from 'fast-check';
import { signAxpEvent } from '@app/axp';
import { rawRequest } from './raw-http';
import type { FuzzContext } from './hostile-cases';

export interface GeneratedRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Buffer;
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];

/** Path segment: printable ASCII, percent-encoded arbitrary bytes (invalid UTF-8 included) or encoded unicode. */
const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9._~:@!$&'()*+,;=-]{0,40}$/),
  fc.uint8Array({ maxLength: 40 }).map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => encodeURIComponent(s)),
  fc.constantFrom('default', 'unknown', '__proto__', 'constructor', '..', '%2e%2e', '', 'fcm-token:APA91b_x-y.z'),
);

const query = fc.oneof(
  fc.constant(''),
  fc.constant('?configId=default'),
  segment.map((s) => `?configId=${s}`),
  fc.array(fc.tuple(segment, segment), { maxLength: 5 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
);

/** A route of the ingest with hostile parameters, and the method it expects. */
const route: fc.Arbitrary<{ method: string; path: string }> = fc.oneof(
  segment.map((c) => ({ method: 'POST', path: `/v1/axp/${c}/notifications` })),
  fc.constant({ method: 'POST', path: '/v1/axp/default/notifications' }),
  fc.constant({ method: 'POST', path: '/custom-notification-connector/axp-callback/notifications' }),
  fc.tuple(fc.constantFrom('PUT', 'GET', 'DELETE'), segment, query).map(([method, t, q]) => ({ method, path: `/v1/registrations/${t}${q}` })),
  fc.tuple(segment, query).map(([s, q]) => ({ method: 'GET', path: `/v1/sessions/${s}/registrations${q}` })),
  fc.tuple(fc.constantFrom('PUT', 'GET', 'DELETE'), segment).map(([method, t]) => ({ method, path: `/custom-notification-connector/device-registrations/${t}` })),
  query.map((q) => ({ method: 'GET', path: `/custom-notification-connector/device-registrations${q}` })),
  fc.constant({ method: 'POST', path: '/custom-notification-connector/device-registrations:search' }),
  fc.constantFrom('/health/live', '/health/ready').map((path) => ({ method: 'GET', path })),
  fc.array(segment, { maxLength: 6 }).map((segments) => ({ method: 'GET', path: `/${segments.join('/')}` })),
);

/** A value for a field that should be a string: sometimes a fine one, often something else. */
const fieldValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.uuid(),
  fc.constantFrom('android', 'ios', 'web', 'default', '2024-03-18T11:00:24.481Z', ''),
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.constant(null),
);

const hostileKeys = fc.dictionary(
  fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty')),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 4 },
);

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const eventShaped = fc
  .record({
    eventId: optional(fieldValue),
    conversationId: optional(fieldValue),
    customerId: optional(fieldValue),
    sessionId: optional(fieldValue),
    eventDate: optional(fieldValue),
  })
  .chain((fields) => hostileKeys.map((extra) => ({ ...extra, ...fields })));

const registrationShaped = fc
  .record({
    configId: optional(fieldValue),
    sessionId: optional(fieldValue),
    customerId: optional(fieldValue),
    platform: optional(fieldValue),
    type: optional(fieldValue),
  })
  .chain((fields) => hostileKeys.map((extra) => ({ ...extra, ...fields })));

/** The JSON text of an object whose own keys may include `__proto__` (JSON.stringify would hide it). */
function objectText(value: Record<string, unknown>): string {
  return `{${Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v) ?? 'null'}`)
    .join(',')}}`;
}

const body: fc.Arbitrary<{ text: Buffer; signed?: Record<string, unknown> }> = fc.oneof(
  eventShaped.map((e) => ({ text: Buffer.from(objectText(e)), signed: e })),
  registrationShaped.map((r) => ({ text: Buffer.from(objectText(r)) })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ text: Buffer.from(JSON.stringify(v) ?? 'null') })),
  fc.uint8Array({ maxLength: 2048 }).map((bytes) => ({ text: Buffer.from(bytes) })),
  fc.constant({ text: Buffer.alloc(0) }),
);

const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,200}$/);
const extraHeaders = fc.array(fc.tuple(fc.stringMatching(/^x-[a-z0-9-]{1,20}$/), headerValue), { maxLength: 4 });

/**
 * The text a sender would sign for a field of any JSON type. Total on every generated value, including objects
 * without a prototype or with a `toString` key (which `String()` cannot convert).
 */
function signedText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return 'unserialisable';
  }
}

/** Arbitrary requests; the context supplies the real secret and API key so some get past authentication. */
export function generatedRequest(ctx: FuzzContext): fc.Arbitrary<GeneratedRequest> {
  return fc
    .record({
      route,
      method: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, fc.constantFrom(...METHODS)),
      body,
      contentType: fc.oneof(
        { weight: 4, arbitrary: fc.constant('application/json') },
        fc.constantFrom('application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', ''),
        headerValue,
      ),
      hmac: fc.oneof({ weight: 3, arbitrary: fc.constant('valid') }, fc.constant('absent'), headerValue),
      authorization: fc.oneof({ weight: 3, arbitrary: fc.constant('valid') }, fc.constant('absent'), headerValue.map((v) => `Bearer ${v}`)),
      extra: extraHeaders,
    })
    .map(({ route: r, method, body: b, contentType, hmac, authorization, extra }) => {
      const headers: Array<[string, string]> = [['host', `${ctx.target.host}:${ctx.target.port}`], ['connection', 'close']];
      if (contentType !== '') headers.push(['content-type', contentType]);
      const signed = b.signed;
      if (hmac === 'valid' && signed) {
        headers.push(['x-hmac', signAxpEvent(ctx.secret, signedText(signed.eventId), signedText(signed.sessionId))]);
      } else if (hmac !== 'absent' && hmac !== 'valid') {
        headers.push(['x-hmac', hmac]);
      }
      if (authorization === 'valid') headers.push(['authorization', `Bearer ${ctx.apiKey}`]);
      else if (authorization !== 'absent') headers.push(['authorization', authorization]);
      headers.push(...extra, ['content-length', String(b.text.length)]);
      return { method: method ?? r.method, path: r.path, headers, body: b.text };
    });
}

export function requestBytes(request: GeneratedRequest): Buffer {
  return rawRequest(request.method, request.path, request.headers, request.body);
}

export function describeRequest(request: GeneratedRequest): string {
  const body = request.body.length > 300 ? `${request.body.subarray(0, 300).toString('latin1')}…` : request.body.toString('latin1');
  return `${request.method} ${request.path.slice(0, 300)} ${JSON.stringify(request.headers.slice(2))} ${JSON.stringify(body)}`;
}
