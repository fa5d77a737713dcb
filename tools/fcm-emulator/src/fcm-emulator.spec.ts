import { type FcmEmulator, startFcmEmulator } from './fcm-emulator';
import { INVALID_TOKEN_MESSAGE } from './fcm-behaviour';

const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

interface Answer {
  name: string;
  count: number;
  requests: Array<Record<string, unknown>>;
  error: { code: number; message: string; status: string; details?: unknown[] } & string;
}
const json = async (res: Response): Promise<Answer> => (await res.json()) as Answer;

describe('FCM emulator', () => {
  let emulator: FcmEmulator;

  beforeAll(async () => {
    emulator = await startFcmEmulator();
  });
  afterAll(() => emulator.close());
  beforeEach(() => emulator.reset());

  const sendTo = (message: Record<string, unknown>, headers: Record<string, string> = {}, project = 'demo-p') =>
    fetch(`${emulator.url}/v1/projects/${project}/messages:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer emulator', ...headers },
      body: JSON.stringify({ message }),
    });
  const send = (token: string, data: Record<string, unknown> = { a: '1' }) => sendTo({ token, data });
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${emulator.url}/__emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('accepts a message like FCM and records it', async () => {
    const res = await sendTo({ token: 'tok-1', data: { eventId: 'e1' }, android: { priority: 'high' } });
    expect(res.status).toBe(200);
    expect((await json(res)).name).toMatch(/^projects\/demo-p\/messages\/\S+$/);
    expect(emulator.requests).toEqual([
      expect.objectContaining({
        projectId: 'demo-p',
        token: 'tok-1',
        status: 200,
        message: { token: 'tok-1', data: { eventId: 'e1' }, android: { priority: 'high' } },
      }),
    ]);
  });

  it.each([
    ['unregistered', 404, 'NOT_FOUND', 'UNREGISTERED'],
    ['invalid-token', 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'],
    ['invalid-payload', 400, 'INVALID_ARGUMENT', 'INVALID_ARGUMENT'],
    ['unavailable', 503, 'UNAVAILABLE', 'UNAVAILABLE'],
    ['internal', 500, 'INTERNAL', 'INTERNAL'],
    ['quota', 429, 'RESOURCE_EXHAUSTED', 'QUOTA_EXCEEDED'],
    ['sender-mismatch', 403, 'PERMISSION_DENIED', 'SENDER_ID_MISMATCH'],
    ['third-party-auth', 401, 'UNAUTHENTICATED', 'THIRD_PARTY_AUTH_ERROR'],
  ] as const)('answers %s with FCM error body %i %s/%s', async (outcome, code, status, errorCode) => {
    emulator.setTokenBehaviour('t', outcome);
    const res = await send('t');
    expect(res.status).toBe(code);
    const body = await json(res);
    expect(body).toEqual({
      error: { code, status, message: expect.any(String), details: [{ '@type': FCM_ERROR_TYPE, errorCode }] },
    });
    if (outcome === 'invalid-token') expect(body.error.message).toBe(INVALID_TOKEN_MESSAGE);
    if (outcome === 'invalid-payload') expect(body.error.message).not.toBe(INVALID_TOKEN_MESSAGE);
  });

  it('fails the first N requests then delivers, and sends Retry-After when asked', async () => {
    emulator.setTokenBehaviour('flaky', { outcome: 'unavailable', times: 2, retryAfterSeconds: 3 });
    const first = await send('flaky');
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('3');
    expect((await send('flaky')).status).toBe(503);
    expect((await send('flaky')).status).toBe(200);
    expect((await send('flaky')).status).toBe(200);
    expect(emulator.requestsFor('flaky').map((r) => r.status)).toEqual([503, 503, 200, 200]);
  });

  it('follows the token-name conventions', async () => {
    expect((await send('unregistered-abc')).status).toBe(404);
    expect((await send('quota-1x-abc')).status).toBe(429);
    expect((await send('quota-1x-abc')).status).toBe(200);
    const started = Date.now();
    expect((await send('slow-150ms-abc')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect((await send('plain-token')).status).toBe(200);
  });

  it('applies a default behaviour to tokens without their own', async () => {
    emulator.setDefaultBehaviour({ outcome: 'internal', times: 1 });
    emulator.setTokenBehaviour('own', 'ok');
    expect((await send('own')).status).toBe(200);
    expect((await send('other')).status).toBe(500);
    expect((await send('third')).status).toBe(500);
    expect((await send('other')).status).toBe(200);
  });

  it('validates messages like FCM', async () => {
    const bad = async (message: Record<string, unknown>) => {
      const res = await sendTo(message);
      expect(res.status).toBe(400);
      return (await json(res)).error;
    };
    expect((await bad({ data: { a: '1' } })).message).toMatch(/Recipient/);
    expect((await bad({ token: 't', data: { count: 1 } })).message).toMatch(/TYPE_STRING/);
    expect((await bad({ token: 't', data: { from: 'x' } })).message).toMatch(/reserved/);
    expect((await bad({ token: 't', data: { google_x: 'x' } })).message).toMatch(/reserved/);
    expect((await bad({ token: 't', data: { big: 'x'.repeat(4094) } })).message).toMatch(/too big/);
    expect((await sendTo({ token: 't', data: { big: 'x'.repeat(4093) } })).status).toBe(200);
    const notJson = await fetch(`${emulator.url}/v1/projects/p/messages:send`, {
      method: 'POST',
      headers: { authorization: 'Bearer x' },
      body: '{',
    });
    expect(notJson.status).toBe(400);
  });

  it('requires a bearer token', async () => {
    const res = await fetch(`${emulator.url}/v1/projects/p/messages:send`, {
      method: 'POST',
      body: JSON.stringify({ message: { token: 't' } }),
    });
    expect(res.status).toBe(401);
    expect((await json(res)).error.status).toBe('UNAUTHENTICATED');
  });

  it('answers unknown routes with a Google 404', async () => {
    const res = await fetch(`${emulator.url}/v1/projects/p/other`, { method: 'POST' });
    expect(res.status).toBe(404);
  });

  it('simulates an outage: 503 with Retry-After, then refused connections, then recovery', async () => {
    emulator.setOutage('503', { retryAfterSeconds: 2 });
    const unavailable = await send('t');
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.get('retry-after')).toBe('2');
    emulator.setOutage('refuse');
    await expect(send('t')).rejects.toThrow();
    expect(emulator.stats().refused).toBe(1);
    emulator.setOutage(null);
    expect((await send('t')).status).toBe(200);
  });

  it('ends a timed outage by itself', async () => {
    emulator.setOutage('503', { durationMs: 100 });
    expect((await send('t')).status).toBe(503);
    await new Promise((r) => setTimeout(r, 120));
    expect((await send('t')).status).toBe(200);
  });

  it('waits for requests and times out with the count it saw', async () => {
    const waiting = emulator.waitForRequests(2, 2_000);
    await send('a');
    await send('b');
    expect((await waiting).map((r) => r.token)).toEqual(['a', 'b']);
    await expect(emulator.waitForRequests(3, 50)).rejects.toThrow(/2 of 3 requests/);
  });

  it('keeps only the most recent requests when bounded, while counting all', async () => {
    const small = await startFcmEmulator({ maxRecorded: 10 });
    try {
      for (let i = 0; i < 150; i += 1) {
        await fetch(`${small.url}/v1/projects/p/messages:send`, {
          method: 'POST',
          headers: { authorization: 'Bearer x' },
          body: JSON.stringify({ message: { token: `t${i}` } }),
        });
      }
      expect(small.stats().received).toBe(150);
      expect(small.requests.length).toBeLessThanOrEqual(111);
      expect(small.requests.at(-1)?.token).toBe('t149');
    } finally {
      await small.close();
    }
  });

  describe('control API', () => {
    it('sets token behaviours, lists and clears requests', async () => {
      expect((await control('PUT', `tokens/${encodeURIComponent('a/b')}`, { outcome: 'unregistered' })).status).toBe(204);
      expect((await send('a/b')).status).toBe(404);
      await send('other');
      const listed = await json(await control('GET', `requests?token=${encodeURIComponent('a/b')}`));
      expect(listed.count).toBe(1);
      expect(listed.requests[0]).toMatchObject({ token: 'a/b', status: 404, projectId: 'demo-p' });
      expect((await json(await control('GET', 'requests?status=200'))).count).toBe(1);
      expect((await json(await control('GET', 'stats')))).toMatchObject({ received: 2, byStatus: { 200: 1, 404: 1 } });
      expect((await control('DELETE', `tokens/${encodeURIComponent('a/b')}`)).status).toBe(204);
      expect((await send('a/b')).status).toBe(200);
      expect((await control('DELETE', 'requests')).status).toBe(204);
      expect(emulator.requests).toHaveLength(0);
    });

    it('sets the default behaviour and outages, and resets', async () => {
      await control('PUT', 'default', { outcome: 'internal' });
      expect((await send('x')).status).toBe(500);
      await control('PUT', 'outage', { mode: '503', retryAfterSeconds: 1 });
      expect((await send('x')).headers.get('retry-after')).toBe('1');
      await control('DELETE', 'outage');
      expect((await send('x')).status).toBe(500);
      expect((await control('POST', 'reset')).status).toBe(204);
      expect((await send('x')).status).toBe(200);
    });

    it('refuses bad control input with 400 naming the problem', async () => {
      const res = await control('PUT', 'tokens/t', { outcome: 'exploded' });
      expect(res.status).toBe(400);
      expect((await json(res)).error).toMatch(/outcome must be one of/);
      expect((await control('PUT', 'tokens/t', { outcome: 'ok', times: -1 })).status).toBe(400);
      expect((await control('PUT', 'outage', { mode: 'down' })).status).toBe(400);
      const notJson = await fetch(`${emulator.url}/__emulator/outage`, { method: 'PUT', body: '{' });
      expect(notJson.status).toBe(400);
      expect((await control('GET', 'nothing')).status).toBe(404);
    });
  });
});
