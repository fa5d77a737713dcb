import { fcmToken, type RegistrationsTestApp, startRegistrationsApp } from './registrations-test-app';

const APP_KEY = 'app-key-shipped-in-the-app';
const app = { authorization: `Bearer ${APP_KEY}` };

/** Issue 15: an app key (public, it ships inside the app) reaches one registration by its device token, nothing more. */
describe('registration keys: app keys and server keys', () => {
  let t: RegistrationsTestApp;

  beforeAll(async () => {
    t = await startRegistrationsApp({ REGISTRATION_APP_KEYS: APP_KEY, REGISTRATION_MAX_DEVICES_PER_SESSION: '3' });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['GET', '/custom-notification-connector/device-registrations', undefined],
    ['POST', '/custom-notification-connector/device-registrations:search', { sessionId: 's' }],
    ['GET', '/v1/sessions/s/registrations', undefined],
  ] as const)('answers 403 to an app key on %s %s, naming the key kind needed', async (method, url, body) => {
    const res = await t.call(method, url, body, app);
    expect(res.statusCode).toBe(403);
    expect(res.json().message).toMatch(/needs a server key \(REGISTRATION_API_KEYS\)/);
    // The server key still has every route.
    expect((await t.call(method, url, body)).statusCode).not.toBe(403);
  });

  it('lets an app key register, read, renew and delete one registration by its token on both route families', async () => {
    const token = fcmToken();
    expect((await t.call('PUT', `/v1/registrations/${token}`, { sessionId: 'session-1' }, app)).statusCode).toBe(201);
    expect((await t.call('GET', `/v1/registrations/${token}`, undefined, app)).json()).toMatchObject({ sessionId: 'session-1' });
    expect((await t.call('PUT', `/v1/registrations/${token}`, { sessionId: 'session-2' }, app)).statusCode).toBe(200);
    expect((await t.call('DELETE', `/v1/registrations/${token}`, undefined, app)).statusCode).toBe(204);
    expect((await t.call('GET', `/v1/registrations/${token}`, undefined, app)).statusCode).toBe(404);

    const sample = fcmToken();
    const put = await t.call('PUT', `/custom-notification-connector/device-registrations/${sample}`, { sessionId: 's-3', type: 'ios' }, app);
    expect(put.statusCode).toBe(200);
    const got = await t.call('GET', `/custom-notification-connector/device-registrations/${sample}`, undefined, { ...app, authorization: undefined, 'x-api-key': APP_KEY });
    expect(got.statusCode).toBe(200);
    expect(got.json()).toMatchObject({ sessionId: 's-3' });
    expect((await t.call('DELETE', `/custom-notification-connector/device-registrations/${sample}`, undefined, app)).statusCode).toBe(204);
  });

  it('refuses an unknown key with 401 whatever the route', async () => {
    const res = await t.call('GET', `/v1/registrations/${fcmToken()}`, undefined, { authorization: 'Bearer not-a-key' });
    expect(res.statusCode).toBe(401);
    expect(res.body).not.toContain('not-a-key');
  });

  it('keeps the most recently registered REGISTRATION_MAX_DEVICES_PER_SESSION devices of a session, dropping the oldest', async () => {
    const tokens = [fcmToken(), fcmToken(), fcmToken(), fcmToken()];
    for (const token of tokens) {
      expect((await t.call('PUT', `/v1/registrations/${token}`, { sessionId: 'crowded' }, app)).statusCode).toBe(201);
    }
    const live = (await t.call('GET', '/v1/sessions/crowded/registrations')).json().registrations as Array<{ deviceToken: string }>;
    expect(live.map((r) => r.deviceToken).sort()).toEqual(tokens.slice(1).sort());
  });
});

describe('rate limit per key (REGISTRATION_KEY_RATE_LIMIT=4)', () => {
  let t: RegistrationsTestApp;

  beforeAll(async () => {
    t = await startRegistrationsApp({ REGISTRATION_APP_KEYS: APP_KEY, REGISTRATION_KEY_RATE_LIMIT: '4', REGISTRATION_RATE_LIMIT: '100' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 to a key past its budget from any address, while other keys keep theirs', async () => {
    const from = (remoteAddress: string, authorization: string) =>
      t.app.inject({ method: 'GET', url: `/v1/registrations/${fcmToken()}`, remoteAddress, headers: { authorization } });
    const codes = [];
    for (let i = 0; i < 5; i++) codes.push((await from(`10.1.0.${i}`, `Bearer ${APP_KEY}`)).statusCode);
    expect(codes).toEqual([404, 404, 404, 404, 429]);
    const limited = await from('10.1.0.9', `Bearer ${APP_KEY}`);
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json().message).toMatch(/with this key: at most 4 per minute/);
    expect((await from('10.1.0.9', 'Bearer test-registration-key')).statusCode).toBe(404);
  });
});
