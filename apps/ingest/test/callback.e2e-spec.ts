import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { NOTIFICATIONS_QUEUE, notificationJobId, type NotificationJobData } from '@app/queue';
import { createIngestApp } from '../src/ingest.app';
import { testConfig } from '../../../test/support/test-config';
import { deleteQueueKeys } from '../../../test/support/redis';
import { axpEvent, signatureFor } from '../../../test/support/axp';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { OutboxRepository } from '@app/persistence';
import { OutboxRelayService } from '../src/outbox/outbox-relay.service';

const CALLBACK = '/v1/axp/default/notifications';
const SAMPLE_CALLBACK = '/custom-notification-connector/axp-callback/notifications';

interface Answer {
  statusCode: number;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

// 'inject': Fastify and the Nest controller (what app.inject() reaches); 'http': a listening ingest,
// where the callback is answered by its direct HTTP handler. Both must answer alike.
describe.each(['inject', 'http'] as const)('AXP callback (real Redis, through %s)', (transport) => {
  let config: ReturnType<typeof testConfig>;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let queue: Queue<NotificationJobData>;
  let baseUrl = '';

  beforeAll(async () => {
    db = await createTestDatabase();
    config = testConfig('ingest', { AXP_SECRET: 'old-secret,test-secret', DATABASE_URL: db.url });
    app = await createIngestApp(config);
    if (transport === 'http') {
      await app.listen(0, '127.0.0.1');
      baseUrl = await app.getUrl();
    } else {
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
    }
    queue = app.get(getQueueToken(NOTIFICATIONS_QUEUE));
  });

  afterAll(async () => {
    await app.close();
    await deleteQueueKeys(config.queue.prefix);
    await db.drop();
  });

  const post = async (url: string, payload: string | object, headers: Record<string, string> = {}): Promise<Answer> => {
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    const allHeaders = { 'content-type': 'application/json', ...headers };
    if (transport === 'inject') return app.inject({ method: 'POST', url, headers: allHeaders, payload: body });
    const res = await fetch(baseUrl.replace('[::1]', '127.0.0.1') + url, { method: 'POST', headers: allHeaders, body });
    const text = await res.text();
    return { statusCode: res.status, json: () => JSON.parse(text) };
  };

  it('answers 202 with the eventId once the job is in the queue', async () => {
    const event = axpEvent();
    const res = await post(CALLBACK, event, { 'x-hmac': signatureFor(event) });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ eventId: event.eventId });
    const job = await queue.getJob(notificationJobId('default', event.eventId));
    expect(job?.data.configId).toBe('default');
    expect(job?.data.event).toEqual(event);
    expect(Date.parse(job!.data.receivedAt)).not.toBeNaN();
    expect(job?.opts.attempts).toBe(config.dispatch.maxAttempts);
  });

  it('serves the sample connector path with the default configuration, header name in any case', async () => {
    const event = axpEvent();
    const res = await post(SAMPLE_CALLBACK, event, { 'X-HMAC': signatureFor(event) });
    expect(res.statusCode).toBe(202);
    expect(await queue.getJob(notificationJobId('default', event.eventId))).toBeDefined();
  });

  it('accepts any of the rotating secrets', async () => {
    const event = axpEvent();
    const res = await post(CALLBACK, event, { 'x-hmac': signatureFor(event, 'old-secret') });
    expect(res.statusCode).toBe(202);
  });

  it('carries extra fields of every JSON type as strings', async () => {
    const event = axpEvent();
    const res = await post(
      CALLBACK,
      { ...event, channel: 'chat', nested: { a: 1 }, retries: 3, vip: true, none: null },
      { 'x-hmac': signatureFor(event) },
    );
    expect(res.statusCode).toBe(202);
    const job = await queue.getJob(notificationJobId('default', event.eventId));
    expect(job?.data.event).toEqual({ ...event, channel: 'chat', nested: '{"a":1}', retries: '3', vip: 'true', none: 'null' });
  });

  it('accepts an event with only eventId and sessionId, and the unpadded eventDate of the sample README', async () => {
    const bare = { eventId: randomUUID(), sessionId: randomUUID() };
    expect((await post(CALLBACK, bare, { 'x-hmac': signatureFor(bare) })).statusCode).toBe(202);
    expect((await queue.getJob(notificationJobId('default', bare.eventId)))?.data.event).toEqual(bare);
    const sample = axpEvent({ eventDate: '2024-3-13T20:25:39.734Z' });
    expect((await post(CALLBACK, sample, { 'x-hmac': signatureFor(sample) })).statusCode).toBe(202);
    const job = await queue.getJob(notificationJobId('default', sample.eventId));
    expect(job?.data.event.eventDate).toBe('2024-03-13T20:25:39.734Z');
  });

  it('answers hostile signed ids clearly: a lone surrogate is a 400 naming the field, NUL and 10 KB are stored', async () => {
    const surrogate = axpEvent({ eventId: '\ud800x' });
    const refused = await post(CALLBACK, surrogate, { 'x-hmac': signatureFor(surrogate) });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ field: 'eventId' });
    const lone = axpEvent({ sessionId: 's\udfff' });
    expect((await post(CALLBACK, lone, { 'x-hmac': signatureFor(lone) })).json()).toMatchObject({ field: 'sessionId' });
    for (const event of [axpEvent({ sessionId: 's\u0000:/%' }), axpEvent({ eventId: 'e'.repeat(10 * 1024) })]) {
      const res = await post(CALLBACK, event, { 'x-hmac': signatureFor(event) });
      expect(res.statusCode).toBe(202);
      expect((await queue.getJob(notificationJobId('default', event.eventId)))?.data.event).toEqual(event);
    }
    // the same strings as the path's configId: an unknown configuration, or a malformed path
    for (const configId of ['%ED%A0%80x', 's%00%3A%2F%25', encodeURIComponent('e'.repeat(10 * 1024))]) {
      const event = axpEvent();
      const res = await post(`/v1/axp/${configId}/notifications`, event, { 'x-hmac': signatureFor(event) });
      expect([400, 404, 414]).toContain(res.statusCode);
    }
    // and it keeps serving
    const after = axpEvent();
    expect((await post(CALLBACK, after, { 'x-hmac': signatureFor(after) })).statusCode).toBe(202);
  });

  it('queues one job when the same event arrives twice, even concurrently', async () => {
    const event = axpEvent();
    const headers = { 'x-hmac': signatureFor(event) };
    const answers = await Promise.all([post(CALLBACK, event, headers), post(CALLBACK, event, headers)]);
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202]);
    const again = await post(CALLBACK, event, headers);
    expect(again.statusCode).toBe(202);
    const jobs = await queue.getJobs(['wait', 'delayed', 'prioritized']);
    expect(jobs.filter((j) => j.data.event.eventId === event.eventId)).toHaveLength(1);
  });

  it('coalesces a burst into few round trips and stores every event', async () => {
    const events = Array.from({ length: 300 }, () => axpEvent());
    const answers = await Promise.all(events.map((e) => post(CALLBACK, e, { 'x-hmac': signatureFor(e) })));
    expect(answers.every((a) => a.statusCode === 202)).toBe(true);
    const stored = await Promise.all(events.map((e) => queue.getJob(notificationJobId('default', e.eventId))));
    expect(stored.every((j) => j !== undefined)).toBe(true);
  });

  describe('rejects bad input with a 4xx and queues nothing', () => {
    it('401 without X-hmac', async () => {
      const event = axpEvent();
      const res = await post(CALLBACK, event);
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toMatch(/x-hmac/i);
      expect(await queue.getJob(notificationJobId('default', event.eventId))).toBeUndefined();
    });

    it('401 for a wrong signature', async () => {
      const event = axpEvent();
      const res = await post(CALLBACK, event, { 'x-hmac': signatureFor(event, 'other-secret') });
      expect(res.statusCode).toBe(401);
      expect(await queue.getJob(notificationJobId('default', event.eventId))).toBeUndefined();
    });

    it('401 for a signature of another event', async () => {
      const event = axpEvent();
      const res = await post(CALLBACK, event, { 'x-hmac': signatureFor(axpEvent()) });
      expect(res.statusCode).toBe(401);
    });

    it('400 for a body that is not JSON', async () => {
      const event = axpEvent();
      const res = await post(CALLBACK, '{"eventId": ', { 'x-hmac': signatureFor(event) });
      expect(res.statusCode).toBe(400);
    });

    it.each(['eventId', 'sessionId'])(
      '400 naming %s when it is missing',
      async (field) => {
        const event = axpEvent();
        const body: Record<string, unknown> = { ...event };
        delete body[field];
        const res = await post(CALLBACK, body, { 'x-hmac': signatureFor(event) });
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ field, message: expect.stringContaining(field) });
      },
    );

    it('400 naming a mistyped or empty signed field', async () => {
      const event = axpEvent();
      const res = await post(CALLBACK, { ...event, sessionId: 42 }, { 'x-hmac': signatureFor(event) });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ field: 'sessionId', message: 'sessionId must be a string' });
      const empty = axpEvent({ eventId: '' });
      expect((await post(CALLBACK, empty, { 'x-hmac': signatureFor(empty) })).json()).toMatchObject({ field: 'eventId' });
    });

    it('a documented field of another type is carried as a string, an unreadable eventDate as sent', async () => {
      const event = axpEvent({ eventDate: 'yesterday' });
      const res = await post(CALLBACK, { ...event, conversationId: 42 }, { 'x-hmac': signatureFor(event) });
      expect(res.statusCode).toBe(202);
      const job = await queue.getJob(notificationJobId('default', event.eventId));
      expect(job?.data.event).toEqual({ ...event, conversationId: '42', eventDate: 'yesterday' });
    });

    it('400 for a JSON array body', async () => {
      const res = await post(CALLBACK, '[]', { 'x-hmac': 'a'.repeat(64) });
      expect(res.statusCode).toBe(400);
    });

    it('404 for an unknown configId', async () => {
      const event = axpEvent();
      const res = await post('/v1/axp/unknown/notifications', event, { 'x-hmac': signatureFor(event) });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ message: 'configId [unknown] not found' });
    });

    it('413 for a body over 64 KiB', async () => {
      const event = axpEvent();
      const res = await post(CALLBACK, { ...event, padding: 'x'.repeat(70 * 1024) }, { 'x-hmac': signatureFor(event) });
      expect(res.statusCode).toBe(413);
      expect(await queue.getJob(notificationJobId('default', event.eventId))).toBeUndefined();
    });

    it('415 for a non-JSON content type', async () => {
      const event = axpEvent();
      const res = await post(CALLBACK, JSON.stringify(event), { 'content-type': 'text/plain', 'x-hmac': signatureFor(event) });
      expect(res.statusCode).toBe(415);
      expect(await queue.getJob(notificationJobId('default', event.eventId))).toBeUndefined();
    });

    it('400 for an empty body, and for prototype-poisoning keys', async () => {
      expect((await post(CALLBACK, '', { 'x-hmac': 'a'.repeat(64) })).statusCode).toBe(400);
      const event = axpEvent();
      const poisoned = `{"__proto__": {"x": 1}, ${JSON.stringify(event).slice(1)}`;
      expect((await post(CALLBACK, poisoned, { 'x-hmac': signatureFor(event) })).statusCode).toBe(400);
      expect(await queue.getJob(notificationJobId('default', event.eventId))).toBeUndefined();
    });
  });

  it('relays events parked in the outbox into the queue, then empties it', async () => {
    const outbox = app.get(OutboxRepository);
    const relay = app.get(OutboxRelayService);
    // The relay's own timer would race this test for the rows: stop it while the rows are written.
    await relay.onApplicationShutdown();
    const events = [axpEvent(), axpEvent()];
    for (const event of events) {
      const data = { configId: 'default', event, receivedAt: new Date().toISOString() };
      await outbox.save({ jobId: notificationJobId('default', event.eventId), data });
    }
    expect(await outbox.count()).toBe(2);
    expect(await relay.relayOnce()).toBe(2);
    relay.onApplicationBootstrap();
    expect(await outbox.count()).toBe(0);
    for (const event of events) {
      expect((await queue.getJob(notificationJobId('default', event.eventId)))?.data.event).toEqual(event);
    }
  });

  it('readiness is up while Redis answers', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().details.intake).toMatchObject({ status: 'up', mode: 'normal' });
    expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
  });
});

describe('AXP callback log', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  const lines: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig('ingest', { DATABASE_URL: db.url, LOG_LEVEL: 'info' });
    const callbackLog = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().trim().split('\n').map((l) => JSON.parse(l)));
        done();
      },
    });
    app = await createIngestApp(config, { callbackLog });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('writes one JSON line per callback with its ids and status, never the signature', async () => {
    const event = axpEvent();
    const signature = signatureFor(event);
    const send = (hmac: string) =>
      app.inject({
        method: 'POST',
        url: CALLBACK,
        headers: { 'content-type': 'application/json', 'x-hmac': hmac },
        payload: JSON.stringify(event),
      });
    expect((await send(signature)).statusCode).toBe(202);
    expect((await send('0'.repeat(64))).statusCode).toBe(401);
    await new Promise((resolve) => setImmediate(resolve));
    const mine = lines.filter((l) => l.eventId === event.eventId);
    expect(mine).toEqual([
      expect.objectContaining({ level: 30, msg: 'callback accepted', configId: 'default', sessionId: event.sessionId, status: 202 }),
      expect.objectContaining({ level: 40, msg: 'callback refused', configId: 'default', sessionId: event.sessionId, status: 401 }),
    ]);
    expect(JSON.stringify(lines)).not.toContain(signature);
  });
});

describe('AXP callback when Redis is unreachable', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestDatabase();
    const config = testConfig('ingest', {
      REDIS_URL: 'redis://127.0.0.1:1',
      ENQUEUE_TIMEOUT_MS: '200',
      DATABASE_URL: db.url,
    });
    app = await createIngestApp(config);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  const send = (event = axpEvent()) =>
    app.inject({
      method: 'POST',
      url: CALLBACK,
      headers: { 'content-type': 'application/json', 'x-hmac': signatureFor(event) },
      payload: JSON.stringify(event),
    });

  it('parks the event in the Postgres outbox and answers 202; a repeat collapses into one row', async () => {
    const event = axpEvent();
    const res = await send(event);
    expect(res.statusCode).toBe(202);
    expect((await send(event)).statusCode).toBe(202);
    const outbox = app.get(OutboxRepository);
    expect(await outbox.count()).toBe(1);
  });

  it('stays ready in degraded mode while the outbox takes events', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().details.intake).toMatchObject({ mode: 'degraded', queue: 'down', outbox: 'up' });
  });

  it('answers 500, never 202, within bounded time when Postgres refuses too', async () => {
    await db.drop();
    const started = Date.now();
    const res = await send();
    expect(res.statusCode).toBe(500);
    expect(res.json().message).toBe('the event could not be stored');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('readiness reports refusing when neither store answers', async () => {
    const res = await app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().details.intake).toMatchObject({ mode: 'refusing' });
  });
});
