/**
 * Requests for the running-stack fuzz run: validly signed AXP events whose fields hold anything, and
 * whole hostile requests (method, path and its encoding, headers, body bytes) for every public route
 * of the ingest and the admin app, with and without credentials. Each says what it must be answered.
 */
import fc from 'fast-check';
import { signAxpEvent } from '@app/axp';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/queue';
import { anyJson, anyString, isAcceptableId, longString, objectText, shortString } from './anything';

export interface StackFuzzContext {
  secret: string;
  apiKey: string;
  adminAuth: string;
  /** Sessions with a registered device, so some events are delivered. */
  sessions: string[];
  bodyLimit: number;
}

export interface FuzzRequest {
  target: 'ingest' | 'admin';
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** The only answers allowed besides any 4xx (the default: any status below 500). */
  statuses?: number[];
  /** A signed event: the job id its 202 must end in an outcome under. */
  eventId?: string;
  /** A test push: its 202 names the job that must end in an outcome. */
  testPush?: boolean;
}

const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on lone surrogates). */
function encodeBytes(bytes: Buffer, all = false): string {
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += !all && /[A-Za-z0-9._~-]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** One path segment in one of its many encodings: all ASCII, as the HTTP client insists. */
const segment: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: shortString.map((s) => encodeBytes(Buffer.from(s, 'utf8'))) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 24 }).map((b) => encodeBytes(Buffer.from(b), true)) },
  fc.constantFrom('%ED%A0%80x', 's%00%3A%2F%25', '%', '%E', '%ZZ', '%25', '%2e%2e', '..', '.', '%2F', '%C0%AF', '%00', 'default'),
  fc.stringMatching(/^[A-Za-z0-9._~:@!$&'()*+,;=-]{0,30}$/),
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 12_000 }).map((n) => 'e'.repeat(n)) },
);
const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  fc.tuple(segment, segment).map(([k, v]) => `?${k}=${v}`),
  segment.map((v) => `?configId=${v}&configId=${v}`),
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json;charset=latin1',
  'application/jsonx',
  'application/json, text/plain',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  '',
];
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,120}$/);

const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  fc.dictionary(shortString, anyJson, { maxKeys: 6 }).map((o) => Buffer.from(objectText(o))),
  fc.uint8Array({ maxLength: 2_048 }).map((b) => Buffer.from(b)),
  fc.constantFrom('', '{', '{"eventId":', '[]', 'null', '{"__proto__":{"x":1}}', '{"a":"\\ud800"}').map((t) => Buffer.from(t)),
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((b) => Buffer.concat([Buffer.from('{"eventId":"'), Buffer.from(b), Buffer.from('","sessionId":"s"}')])),
);

/** A validly signed event whose fields hold anything; its expected answer follows from its ids. */
function signedEvent(ctx: StackFuzzContext): fc.Arbitrary<FuzzRequest> {
  const id = fc.oneof({ weight: 4, arbitrary: fc.uuid() }, { weight: 3, arbitrary: anyString }, { weight: 1, arbitrary: anyJson });
  const sessionId = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ctx.sessions) }, { weight: 2, arbitrary: fc.uuid() }, { weight: 3, arbitrary: anyString }, anyJson);
  const eventDate = fc.oneof(
    fc.date({ min: new Date(Date.now() - 60_000), max: new Date(Date.now() + 60_000), noInvalidDate: true }).map((d) => d.toISOString()),
    fc.constantFrom('2024-3-13T20:25:39.734Z', 'yesterday', '', '2024-13-45T99:00:00Z', 'Tue, 1 Dec 2026 10:00:00 GMT'),
    anyJson,
  );
  const fields = fc.record({
    eventId: id,
    sessionId,
    conversationId: optional(anyJson),
    customerId: optional(anyJson),
    eventDate: optional(eventDate),
  });
  const extras = fc.dictionary(shortString, fc.oneof({ weight: 30, arbitrary: anyJson }, longString), { maxKeys: 5 });
  // Invalid UTF-8 inside the JSON text: the ingest reads it as U+FFFD, and AXP would sign that.
  const brokenUtf8 = fc.uint8Array({ minLength: 1, maxLength: 12 }).map((bytes) => {
    // Bytes 0x80-0xff only: never a quote, backslash or control character, so the JSON stays valid.
    const raw = Buffer.concat([Buffer.from([0xff]), Buffer.from(bytes.map((b) => 0x80 | b))]);
    const eventId = raw.toString('utf8');
    const body = Buffer.concat([Buffer.from('{"eventId":"'), raw, Buffer.from('","sessionId":"s-utf8"}')]);
    return { eventId, sessionId: 's-utf8', body };
  });
  const path = fc.constantFrom('/v1/axp/default/notifications', '/custom-notification-connector/axp-callback/notifications');
  const hmacCase = fc.constantFrom('lower', 'lower', 'lower', 'upper');
  const fromFields = fc.tuple(fields, extras).map(([f, extra]) => {
    const event = { ...extra, ...f };
    return { eventId: event.eventId, sessionId: event.sessionId, body: Buffer.from(objectText(event)) };
  });
  return fc.tuple(fc.oneof({ weight: 9, arbitrary: fromFields }, brokenUtf8), path, hmacCase).map(([e, p, hmacCase]): FuzzRequest => {
    // Non-string ids are refused before any use; any signature will do for them.
    const signature = signAxpEvent(ctx.secret, asText(e.eventId), asText(e.sessionId));
    const headers = { 'content-type': 'application/json', 'x-hmac': hmacCase === 'upper' ? signature.toUpperCase() : signature };
    const accepted = isAcceptableId(e.eventId) && isAcceptableId(e.sessionId);
    const text = e.body.toString('latin1');
    // The JSON parser refuses prototype-poisoning keys wherever they are: 400 then, whatever the ids.
    const poisoned = text.includes('"__proto__"') || text.includes('"constructor"');
    let statuses: number[];
    if (e.body.length > ctx.bodyLimit) statuses = [413];
    else if (!accepted) statuses = [400];
    else statuses = poisoned ? [202, 400] : [202];
    return { target: 'ingest', method: 'POST', path: p, headers, body: e.body, statuses, eventId: accepted ? (e.eventId as string) : undefined };
  });
}

/** fast-check's dictionaries have no prototype: String() cannot convert them. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined'));

const hmacForm = (ctx: StackFuzzContext) =>
  fc.oneof<fc.Arbitrary<string | string[] | undefined>[]>(
    fc.constant(undefined),
    fc.constantFrom('', 'a'.repeat(64), 'z'.repeat(64), 'abc', ` ${'0'.repeat(64)} `),
    fc.tuple(fc.string(), fc.string()).map(([a, b]) => signAxpEvent(ctx.secret, a, b)),
    fc.constant(['0'.repeat(64), '1'.repeat(64)]),
    headerText,
  );

/** A callback that is anything but a well-formed signed event. */
function hostileCallback(ctx: StackFuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
      path: fc.oneof(segment.map((c) => `/v1/axp/${c}/notifications`), fc.constant('/custom-notification-connector/axp-callback/notifications')),
      q: query,
      contentType: fc.constantFrom(...CONTENT_TYPES),
      hmac: hmacForm(ctx),
      body: hostileBody,
    })
    .map(({ method, path, q, contentType, hmac, body }) => {
      const headers: Record<string, string | string[]> = {};
      if (contentType) headers['content-type'] = contentType;
      if (hmac !== undefined) headers['x-hmac'] = hmac;
      return { target: 'ingest', method, path: path + q, headers, body };
    });
}

function registration(ctx: StackFuzzContext): fc.Arbitrary<FuzzRequest> {
  const sample = '/custom-notification-connector/device-registrations';
  const route = fc.oneof(
    fc.tuple(fc.constantFrom('PUT', 'GET', 'DELETE'), segment, query).map(([m, t, q]) => ({ method: m, path: `/v1/registrations/${t}${q}` })),
    fc.tuple(segment, query).map(([s, q]) => ({ method: 'GET', path: `/v1/sessions/${s}/registrations${q}` })),
    fc.tuple(fc.constantFrom('PUT', 'GET', 'DELETE'), segment).map(([m, t]) => ({ method: m, path: `${sample}/${t}` })),
    query.map((q) => ({ method: 'GET', path: `${sample}${q}` })),
    fc.constant({ method: 'POST', path: `${sample}:search` }),
  );
  const value = fc.oneof({ weight: 3, arbitrary: anyString }, anyJson, fc.constantFrom('default', 'android', 'ios', 'web'));
  const fields = fc.record({ configId: optional(value), sessionId: optional(value), customerId: optional(value), platform: optional(value), type: optional(value) });
  const body = fc.oneof(
    { weight: 3, arbitrary: fields.map((f) => ({ type: 'application/json', body: Buffer.from(objectText(f)) })) },
    { weight: 2, arbitrary: fields.map((f) => ({ type: 'application/x-www-form-urlencoded', body: Buffer.from(formText(f)) })) },
    fc.tuple(fc.constantFrom(...CONTENT_TYPES), hostileBody).map(([type, b]) => ({ type, body: b })),
  );
  const auth = fc.oneof({ weight: 3, arbitrary: fc.constant(`Bearer ${ctx.apiKey}`) }, fc.constant(undefined), headerText.map((t) => `Bearer ${t}`));
  return fc.tuple(route, body, auth).map(([r, b, a]) => {
    const headers: Record<string, string> = {};
    if (a !== undefined) headers.authorization = a;
    if (r.method === 'GET' || r.method === 'DELETE') return { target: 'ingest', ...r, headers };
    if (b.type) headers['content-type'] = b.type;
    return { target: 'ingest', ...r, headers, body: b.body };
  });
}

/** A form of any values: lone surrogates become U+FFFD, as in any browser's form encoding. */
function formText(fields: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  return form.toString();
}

function admin(ctx: StackFuzzContext): fc.Arbitrary<FuzzRequest> {
  const credentials = fc.oneof(
    { weight: 3, arbitrary: fc.constant(`Basic ${ctx.adminAuth}`) },
    fc.constant(undefined),
    fc.constantFrom('Basic ', 'Basic !!!', `Basic ${Buffer.from('faults:wrong').toString('base64')}`, 'Bearer x'),
  );
  const queueName = fc.constantFrom(NOTIFICATIONS_QUEUE, DEAD_LETTER_QUEUE, 'unknown');
  // Dashboard writes only on ids that no real job has: the run's accounting must not be disturbed.
  const fuzzJobId = segment.map((s) => `fuzz-${s}`);
  const read = fc.oneof(
    fc.constantFrom('/admin/queues', '/admin/queues/', '/admin/queues/api/redis/stats', '/health/live', '/health/ready', '/metrics'),
    queueName.map((q) => `/admin/queues/queue/${q}`),
    fc.tuple(queueName, fc.constantFrom('latest', 'failed', 'completed', 'waiting', 'x'), fc.integer({ min: -1, max: 3 })).map(
      ([q, s, p]) => `/admin/queues/api/queues?activeQueue=${q}&status=${s}&page=${p}&jobsPerPage=5`,
    ),
    fc.tuple(queueName, segment).map(([q, id]) => `/admin/queues/api/queues/${q}/${id}`),
    segment.map((s) => `/admin/queues/static/${s}`),
    fc.array(segment, { maxLength: 4 }).map((s) => `/admin/${s.join('/')}`),
  );
  const replayBody = fc.oneof(
    { weight: 3, arbitrary: fc.array(anyString, { minLength: 1, maxLength: 3 }).map((ids) => Buffer.from(JSON.stringify({ ids }))) },
    hostileBody.filter((b) => !/^\s*\{\s*\}\s*$|^\s*null\s*$/.test(b.toString('latin1'))),
  );
  const testPushBody = fc
    .record({ sessionId: fc.oneof(fc.constantFrom(...ctx.sessions), anyString, anyJson), configId: optional(fc.oneof(fc.constant('default'), anyString)) })
    .map((b) => Buffer.from(objectText(b)));
  return fc.oneof(
    { weight: 3, arbitrary: fc.tuple(read, credentials).map(([path, a]) => ({ target: 'admin' as const, method: 'GET', path, headers: authHeader(a) })) },
    fc.tuple(replayBody, credentials, fc.constantFrom(...CONTENT_TYPES.slice(0, 3))).map(([body, a, type]) => ({
      target: 'admin' as const, method: 'POST', path: '/admin/api/dead-letter/replay', headers: { ...authHeader(a), 'content-type': type }, body,
    })),
    fc.tuple(testPushBody, credentials).map(([body, a]) => ({
      target: 'admin' as const, method: 'POST', path: '/admin/api/test-push', headers: { ...authHeader(a), 'content-type': 'application/json' }, body, testPush: true,
    })),
    fc.tuple(queueName, fuzzJobId, fc.constantFrom('retry', 'promote', 'logs', ''), fc.constantFrom('PUT', 'DELETE', 'GET'), credentials).map(
      ([q, id, action, method, a]) => ({ target: 'admin' as const, method, path: `/admin/queues/api/queues/${q}/${id}${action ? `/${action}` : ''}`, headers: authHeader(a) }),
    ),
    // Queue-wide writes (pause, clean, empty, retry all) only without valid credentials: 401.
    fc.tuple(queueName, fc.constantFrom('pause', 'resume', 'empty', 'clean/completed', 'retry/failed'), credentials.filter((a) => a !== `Basic ${ctx.adminAuth}`)).map(
      ([q, action, a]) => ({ target: 'admin' as const, method: 'PUT', path: `/admin/queues/api/queues/${q}/${action}`, headers: authHeader(a), statuses: [401] }),
    ),
  );
}

const authHeader = (value: string | undefined): Record<string, string> => (value === undefined ? {} : { authorization: value });

/** Any method on any path of either app. */
const anywhere: fc.Arbitrary<FuzzRequest> = fc
  .record({
    target: fc.constantFrom<'ingest' | 'admin'>('ingest', 'admin'),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'),
    segments: fc.array(segment, { maxLength: 6 }),
    q: query,
    contentType: fc.constantFrom(...CONTENT_TYPES),
    body: fc.option(hostileBody, { nil: undefined }),
  })
  .map(({ target, method, segments, q, contentType, body }): FuzzRequest => ({
    target,
    method,
    path: `/${segments.join('/')}${q}`,
    headers: contentType && body ? { 'content-type': contentType } : ({} as Record<string, string>),
    body: method === 'GET' || method === 'HEAD' ? undefined : body,
  }));

/** The whole mix, weighted toward signed events (the path where a crash loses pushes). */
export function stackRequest(ctx: StackFuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { weight: 8, arbitrary: signedEvent(ctx) },
    { weight: 3, arbitrary: hostileCallback(ctx) },
    { weight: 4, arbitrary: registration(ctx) },
    { weight: 3, arbitrary: admin(ctx) },
    { weight: 1, arbitrary: anywhere },
  );
}
