/**
 * Hand-written hostile requests against every public route of the ingest: bytes and shapes a
 * fuzzer rarely finds by chance. Each names the answer it must get; none may be a 5xx.
 */
import { randomUUID } from 'node:crypto';
import { signAxpEvent } from '@app/axp';
import { type ExchangeOptions, type Part, rawRequest, type Target } from './raw-http';

export interface FuzzContext {
  target: Target;
  secret: string;
  apiKey: string;
}

/** Statuses the case accepts; 'no-answer' allows the server to close without answering (truncated requests). */
export type Expectation = Array<number | 'no-answer'>;

export interface HostileCase {
  name: string;
  parts(ctx: FuzzContext): Part[];
  expect: Expectation;
  options?: ExchangeOptions;
}

export const CALLBACK = '/v1/axp/default/notifications';
export const SAMPLE_CALLBACK = '/custom-notification-connector/axp-callback/notifications';
const REGISTRATION = '/v1/registrations';
const SAMPLE_REGISTRATION = '/custom-notification-connector/device-registrations';

const MB = 1024 * 1024;
/**
 * The server refuses an oversized Content-Length before the body and closes; a client still writing
 * megabytes then gets a reset that can swallow the answer. Pausing first lets the answer be read.
 */
const READ_ANSWER_FIRST = { pauseMs: 150 };

export function validEvent(): Record<string, string> {
  return {
    eventId: randomUUID(),
    conversationId: randomUUID(),
    customerId: 'customer-fuzz',
    sessionId: randomUUID(),
    eventDate: new Date().toISOString(),
  };
}

const host = (ctx: FuzzContext): [string, string] => ['host', `${ctx.target.host}:${ctx.target.port}`];
const close: [string, string] = ['connection', 'close'];
const json: [string, string] = ['content-type', 'application/json'];
const auth = (ctx: FuzzContext): [string, string] => ['authorization', `Bearer ${ctx.apiKey}`];
const hmac = (ctx: FuzzContext, e: Record<string, string>): [string, string] => ['x-hmac', signAxpEvent(ctx.secret, e.eventId, e.sessionId)];
const length = (body: string | Buffer): [string, string] => ['content-length', String(Buffer.byteLength(body))];

/** A POST of `body` to a callback route, signed for `signed` (the body's own ids by default). */
function callback(ctx: FuzzContext, body: string | Buffer, signed: Record<string, string> = validEvent(), path = CALLBACK): Part[] {
  return [rawRequest('POST', path, [host(ctx), close, json, hmac(ctx, signed), length(body)], body)];
}

function registration(ctx: FuzzContext, method: string, path: string, body?: string | Buffer): Part[] {
  const headers: Array<[string, string]> = [host(ctx), close, auth(ctx)];
  if (body !== undefined) headers.push(json, length(body));
  return [rawRequest(method, path, headers, body ?? '')];
}

function nestedObject(depth: number): string {
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

function signedWith(event: Record<string, string>, extra: string): string {
  return `${JSON.stringify(event).slice(0, -1)},${extra}}`;
}

export const HOSTILE_CASES: HostileCase[] = [
  // --- the AXP callback routes ---
  { name: 'callback: valid event (control)', parts: (ctx) => { const e = validEvent(); return callback(ctx, JSON.stringify(e), e); }, expect: [202] },
  { name: 'sample callback: valid event (control)', parts: (ctx) => { const e = validEvent(); return callback(ctx, JSON.stringify(e), e, SAMPLE_CALLBACK); }, expect: [202] },
  {
    name: 'callback: invalid UTF-8 inside a JSON string',
    parts: (ctx) => callback(ctx, Buffer.concat([Buffer.from('{"eventId":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('","sessionId":"s"}')])),
    expect: [400, 401],
  },
  { name: 'callback: invalid UTF-8 in X-hmac', parts: (ctx) => { const e = validEvent(); const body = JSON.stringify(e); return [rawRequest('POST', CALLBACK, [host(ctx), close, json, ['x-hmac', Buffer.from([0xff, 0xfe, 0x80])], length(body)], body)]; }, expect: [401] },
  { name: 'callback: malformed percent-encoding in the configId', parts: (ctx) => callback(ctx, '{}').map((p) => Buffer.from(p.toString().replace(CALLBACK, '/v1/axp/%E0%A4%A/notifications'))), expect: [400, 404] },
  { name: 'callback: deeply nested arrays (30,000 levels)', parts: (ctx) => callback(ctx, `${'['.repeat(30_000)}${']'.repeat(30_000)}`), expect: [400] },
  { name: 'callback: deeply nested objects (9,000 levels)', parts: (ctx) => callback(ctx, nestedObject(9_000)), expect: [400] },
  { name: 'callback: signed event with a deeply nested extra field', parts: (ctx) => { const e = validEvent(); return callback(ctx, signedWith(e, `"extra":${nestedObject(5_000)}`), e); }, expect: [202, 400] },
  { name: 'callback: numbers where strings belong', parts: (ctx) => callback(ctx, JSON.stringify({ eventId: 1, conversationId: 2, customerId: 3, sessionId: 4, eventDate: 5 })), expect: [400] },
  { name: 'callback: signed ids, other fields numbers and arrays (carried as strings)', parts: (ctx) => { const e = validEvent(); return callback(ctx, JSON.stringify({ ...e, conversationId: 42, customerId: ['x'], eventDate: 1e308 }), e); }, expect: [202] },
  { name: 'callback: a lone surrogate in the signed eventId', parts: (ctx) => { const e = { ...validEvent(), eventId: '\ud800x' }; return callback(ctx, JSON.stringify(e), e); }, expect: [400] },
  { name: 'callback: NUL, separators and % in the signed sessionId', parts: (ctx) => { const e = { ...validEvent(), sessionId: 's\u0000:/%' }; return callback(ctx, JSON.stringify(e), e); }, expect: [202] },
  { name: 'callback: a 10 KB signed eventId', parts: (ctx) => { const e = { ...validEvent(), eventId: 'e'.repeat(10 * 1024) }; return callback(ctx, JSON.stringify(e), e); }, expect: [202] },
  { name: 'callback: eventId an object with toString', parts: (ctx) => callback(ctx, JSON.stringify({ eventId: { toString: 'x' }, sessionId: { valueOf: 1 } })), expect: [400, 401] },
  { name: 'callback: JSON null, string, number, array', parts: (ctx) => callback(ctx, 'null'), expect: [400] },
  { name: 'callback: JSON string body', parts: (ctx) => callback(ctx, '"eventId"'), expect: [400] },
  { name: 'callback: JSON array of events', parts: (ctx) => callback(ctx, JSON.stringify([validEvent()])), expect: [400] },
  { name: 'callback: empty body with a JSON content type', parts: (ctx) => callback(ctx, ''), expect: [400] },
  { name: 'callback: __proto__ key', parts: (ctx) => { const e = validEvent(); return callback(ctx, signedWith(e, '"__proto__":{"polluted":"yes"}'), e); }, expect: [400] },
  { name: 'callback: constructor.prototype key', parts: (ctx) => { const e = validEvent(); return callback(ctx, signedWith(e, '"constructor":{"prototype":{"polluted":"yes"}}'), e); }, expect: [400] },
  { name: 'callback: __proto__ as the signed eventId', parts: (ctx) => { const e = { ...validEvent(), eventId: '__proto__' }; return callback(ctx, JSON.stringify(e), e); }, expect: [202, 400] },
  {
    name: 'callback: 10 MB body with its Content-Length',
    parts: (ctx) => [rawRequest('POST', CALLBACK, [host(ctx), close, json, ['x-hmac', 'a'.repeat(64)], ['content-length', String(10 * MB)]]), READ_ANSWER_FIRST, Buffer.alloc(10 * MB, 'a')],
    expect: [413],
  },
  {
    name: 'callback: 10 MB chunked body',
    parts: (ctx) => {
      const chunk = Buffer.concat([Buffer.from(`${(MB).toString(16)}\r\n`), Buffer.alloc(MB, 'b'), Buffer.from('\r\n')]);
      return [rawRequest('POST', CALLBACK, [host(ctx), close, json, ['x-hmac', 'a'.repeat(64)], ['transfer-encoding', 'chunked']]), ...Array(10).fill(chunk), '0\r\n\r\n'];
    },
    expect: [413, 'no-answer'],
  },
  { name: 'callback: duplicated X-hmac headers', parts: (ctx) => { const e = validEvent(); const body = JSON.stringify(e); return [rawRequest('POST', CALLBACK, [host(ctx), close, json, hmac(ctx, e), hmac(ctx, e), length(body)], body)]; }, expect: [401] },
  { name: 'callback: duplicated Content-Type headers', parts: (ctx) => { const e = validEvent(); const body = JSON.stringify(e); return [rawRequest('POST', CALLBACK, [host(ctx), close, ['content-type', 'text/plain'], json, hmac(ctx, e), length(body)], body)]; }, expect: [202, 415] },
  { name: 'callback: two different Content-Lengths', parts: (ctx) => { const body = JSON.stringify(validEvent()); return [rawRequest('POST', CALLBACK, [host(ctx), close, json, length(body), ['content-length', '3']], body)]; }, expect: [400] },
  { name: 'callback: Content-Length with Transfer-Encoding (smuggling shape)', parts: (ctx) => [rawRequest('POST', CALLBACK, [host(ctx), close, json, ['content-length', '4'], ['transfer-encoding', 'chunked']], '0\r\n\r\nGET /health/live HTTP/1.1\r\n\r\n')], expect: [400] },
  { name: 'callback: 8 KB X-hmac value', parts: (ctx) => { const body = JSON.stringify(validEvent()); return [rawRequest('POST', CALLBACK, [host(ctx), close, json, ['x-hmac', 'f'.repeat(8192)], length(body)], body)]; }, expect: [401] },
  { name: 'callback: 64 KB header value', parts: (ctx) => [rawRequest('POST', CALLBACK, [host(ctx), close, json, ['x-padding', 'p'.repeat(64 * 1024)], ['content-length', '2']], '{}')], expect: [431] },
  { name: 'callback: 2,000 headers', parts: (ctx) => [rawRequest('POST', CALLBACK, [host(ctx), close, json, ...Array.from({ length: 2000 }, (_, i): [string, string] => [`x-h${i}`, 'v']), ['content-length', '2']], '{}')], expect: [400, 401, 431] },
  { name: 'callback: charset utf-16 content type', parts: (ctx) => { const e = validEvent(); const body = JSON.stringify(e); return [rawRequest('POST', CALLBACK, [host(ctx), close, ['content-type', 'application/json; charset=utf-16'], hmac(ctx, e), length(body)], body)]; }, expect: [202, 400, 415] },
  { name: 'callback: form-encoded body', parts: (ctx) => [rawRequest('POST', CALLBACK, [host(ctx), close, ['content-type', 'application/x-www-form-urlencoded'], ['x-hmac', 'a'], ['content-length', '3']], 'a=b')], expect: [415] },
  {
    name: 'callback: slow client trickling a valid request (10 bytes / 40 ms)',
    parts: (ctx) => {
      const e = validEvent();
      const bytes = callback(ctx, JSON.stringify(e), e)[0] as Buffer;
      const parts: Part[] = [];
      for (let i = 0; i < bytes.length; i += 10) parts.push(bytes.subarray(i, i + 10), { pauseMs: 40 });
      return parts;
    },
    expect: [202],
  },
  { name: 'callback: request that stops mid-body', parts: (ctx) => [rawRequest('POST', CALLBACK, [host(ctx), json, ['x-hmac', 'a'], ['content-length', '500']], '{"eventId":"abc",')], expect: [400, 'no-answer'], options: { endAfterParts: true, timeoutMs: 5_000 } },
  { name: 'callback: request that stops mid-headers', parts: (ctx) => [Buffer.from(`POST ${CALLBACK} HTTP/1.1\r\nhost: ${ctx.target.host}\r\ncontent-ty`)], expect: [400, 'no-answer'], options: { endAfterParts: true, timeoutMs: 5_000 } },
  { name: 'callback: NUL and CR bytes in the path', parts: (ctx) => [Buffer.from(`POST /v1/axp/de\x00fa\rult/notifications HTTP/1.1\r\nhost: ${ctx.target.host}\r\nconnection: close\r\n\r\n`, 'latin1')], expect: [400] },
  { name: 'callback: 100 KB configId', parts: (ctx) => callback(ctx, '{}').map((p) => Buffer.from(p.toString().replace('/default/', `/${'c'.repeat(100_000)}/`))), expect: [400, 404, 414, 431] },
  { name: 'callback: GET on a POST route', parts: (ctx) => [rawRequest('GET', CALLBACK, [host(ctx), close])], expect: [404, 405] },
  { name: 'callback: unknown method', parts: (ctx) => [rawRequest('BREW', CALLBACK, [host(ctx), close])], expect: [400, 404, 405, 501] },
  { name: 'callback: no Host header', parts: () => [Buffer.from(`POST ${CALLBACK} HTTP/1.1\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`)], expect: [400] },
  { name: 'callback: HTTP/1.0 request', parts: () => [Buffer.from(`POST ${CALLBACK} HTTP/1.0\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}`)], expect: [400, 401] },
  { name: 'callback: absolute-form request target', parts: (ctx) => { const e = validEvent(); const body = JSON.stringify(e); return [rawRequest('POST', `http://evil.example${CALLBACK}`, [host(ctx), close, json, hmac(ctx, e), length(body)], body)]; }, expect: [202, 400, 404] },
  // --- the registration routes ---
  { name: 'registration: valid PUT (control)', parts: (ctx) => registration(ctx, 'PUT', `${REGISTRATION}/fuzz-token-${randomUUID()}`, JSON.stringify({ sessionId: 'fuzz-session' })), expect: [201] },
  { name: 'registration: numbers where strings belong', parts: (ctx) => registration(ctx, 'PUT', `${REGISTRATION}/fuzz-token`, JSON.stringify({ sessionId: 123, customerId: 4.5, platform: 7, configId: 8 })), expect: [400] },
  { name: 'registration: arrays and objects where strings belong', parts: (ctx) => registration(ctx, 'PUT', `${REGISTRATION}/fuzz-token`, JSON.stringify({ sessionId: ['a'], customerId: { a: 1 }, platform: ['ios'] })), expect: [400] },
  { name: 'registration: deeply nested body', parts: (ctx) => registration(ctx, 'PUT', `${REGISTRATION}/fuzz-token`, `{"sessionId":"s","customerId":${nestedObject(9_000)}}`), expect: [400] },
  { name: 'registration: deeply nested arrays', parts: (ctx) => registration(ctx, 'PUT', `${REGISTRATION}/fuzz-token`, `{"sessionId":${'['.repeat(30_000)}${']'.repeat(30_000)}}`), expect: [400] },
  { name: 'registration: __proto__ key', parts: (ctx) => registration(ctx, 'PUT', `${REGISTRATION}/fuzz-token`, '{"sessionId":"s","__proto__":{"platform":"ios","polluted":"yes"}}'), expect: [400] },
  { name: 'registration: constructor.prototype key', parts: (ctx) => registration(ctx, 'PUT', `${SAMPLE_REGISTRATION}/fuzz-token`, '{"configId":"default","sessionId":"s","constructor":{"prototype":{"polluted":"yes"}}}'), expect: [400] },
  { name: 'registration: invalid UTF-8 in sessionId', parts: (ctx) => registration(ctx, 'PUT', `${REGISTRATION}/fuzz-token`, Buffer.concat([Buffer.from('{"sessionId":"'), Buffer.from([0xff, 0xc0, 0xaf]), Buffer.from('"}')])), expect: [200, 201, 400] },
  { name: 'registration: invalid UTF-8 in the token path', parts: (ctx) => [Buffer.concat([Buffer.from(`GET ${REGISTRATION}/`), Buffer.from([0xff, 0xfe]), Buffer.from(` HTTP/1.1\r\nhost: ${ctx.target.host}\r\nconnection: close\r\nauthorization: Bearer ${ctx.apiKey}\r\n\r\n`)])], expect: [400, 404] },
  { name: 'registration: percent-encoded invalid UTF-8 token', parts: (ctx) => registration(ctx, 'GET', `${REGISTRATION}/%ff%fe%00`), expect: [400, 404] },
  { name: 'registration: 10,000-character token', parts: (ctx) => registration(ctx, 'PUT', `${REGISTRATION}/${'t'.repeat(10_000)}`, '{"sessionId":"s"}'), expect: [400, 404, 414] },
  { name: 'registration: 10 MB body', parts: (ctx) => [rawRequest('PUT', `${REGISTRATION}/fuzz-token`, [host(ctx), close, auth(ctx), json, ['content-length', String(10 * MB)]]), READ_ANSWER_FIRST, Buffer.alloc(10 * MB, 'r')], expect: [413] },
  { name: 'registration: duplicated Authorization headers', parts: (ctx) => [rawRequest('GET', `${REGISTRATION}/fuzz-token`, [host(ctx), close, auth(ctx), auth(ctx)])], expect: [401, 404] },
  { name: 'registration: 8 KB bearer key', parts: (ctx) => [rawRequest('GET', `${REGISTRATION}/fuzz-token`, [host(ctx), close, ['authorization', `Bearer ${'k'.repeat(8192)}`]])], expect: [401] },
  { name: 'registration: invalid UTF-8 bearer key', parts: (ctx) => [rawRequest('GET', `${REGISTRATION}/fuzz-token`, [host(ctx), close, ['authorization', Buffer.concat([Buffer.from('Bearer '), Buffer.from([0xff, 0xfe])])]])], expect: [401] },
  { name: 'registration: duplicated X-Api-Key headers', parts: (ctx) => [rawRequest('GET', `${REGISTRATION}/fuzz-token`, [host(ctx), close, ['x-api-key', ctx.apiKey], ['x-api-key', ctx.apiKey]])], expect: [401] },
  { name: 'registration: invalid UTF-8 X-Api-Key', parts: (ctx) => [rawRequest('GET', `${REGISTRATION}/fuzz-token`, [host(ctx), close, ['x-api-key', Buffer.from([0xff, 0xfe])]])], expect: [401] },
  { name: 'registration: 8 KB X-Customer-Token beside a valid key', parts: (ctx) => [rawRequest('GET', `${REGISTRATION}/fuzz-token`, [host(ctx), close, auth(ctx), ['x-customer-token', 'e'.repeat(8192)]])], expect: [401, 404] },
  { name: 'registration: a JWT with alg none as the key', parts: (ctx) => [rawRequest('GET', `${REGISTRATION}/fuzz-token`, [host(ctx), close, ['authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.']])], expect: [401] },
  { name: 'registration: request that stops mid-body', parts: (ctx) => [rawRequest('PUT', `${REGISTRATION}/fuzz-token`, [host(ctx), auth(ctx), json, ['content-length', '400']], '{"sessionId":')], expect: [400, 'no-answer'], options: { endAfterParts: true, timeoutMs: 5_000 } },
  { name: 'sample registration: valid PUT (control)', parts: (ctx) => registration(ctx, 'PUT', `${SAMPLE_REGISTRATION}/fuzz-token-${randomUUID()}`, JSON.stringify({ configId: 'default', sessionId: 'fuzz-session', type: 'ios' })), expect: [200] },
  { name: 'sample registration: search with a number', parts: (ctx) => registration(ctx, 'POST', `${SAMPLE_REGISTRATION}:search`, JSON.stringify({ sessionId: 42 })), expect: [400] },
  { name: 'sample registration: search with __proto__', parts: (ctx) => registration(ctx, 'POST', `${SAMPLE_REGISTRATION}:search`, '{"__proto__":{"sessionId":"x"}}'), expect: [400] },
  { name: 'sample registration: list with a huge query string', parts: (ctx) => registration(ctx, 'GET', `${SAMPLE_REGISTRATION}?${'q=1&'.repeat(3_000)}`), expect: [200, 400, 414, 431] },
  { name: 'sessions: sessionId with control characters', parts: (ctx) => registration(ctx, 'GET', '/v1/sessions/%00%01%1b/registrations'), expect: [400] },
  { name: 'sessions: repeated configId query', parts: (ctx) => registration(ctx, 'GET', '/v1/sessions/s/registrations?configId=default&configId=other'), expect: [400, 404] },
  // --- health ---
  { name: 'health: POST with a 10 MB body', parts: (ctx) => [rawRequest('POST', '/health/live', [host(ctx), close, json, ['content-length', String(10 * MB)]]), READ_ANSWER_FIRST, Buffer.alloc(10 * MB, 'h')], expect: [404, 413] },
  { name: 'health: GET with a body and bad JSON', parts: (ctx) => [rawRequest('GET', '/health/ready', [host(ctx), close, json, ['content-length', '5']], '{"a":')], expect: [200, 400, 503] },
  { name: 'health: path traversal', parts: (ctx) => [rawRequest('GET', '/health/../../etc/passwd', [host(ctx), close])], expect: [404] },
];
