import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { RegistrationCleanupService } from '../src/registrations/registration-cleanup.service';
import { axpEvent, signatureFor } from '../../../test/support/axp';
import { fcmToken, type RegistrationsTestApp, startRegistrationsApp } from './registrations-test-app';

const V1 = '/v1/registrations';
const SAMPLE = '/custom-notification-connector/device-registrations';
const SEARCH = '/custom-notification-connector/device-registrations:search';

describe('registration API (real Postgres, real Redis)', () => {
  let t: RegistrationsTestApp;
  let sql: Client;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'axp-registrations-'));
    const file = join(dir, 'configurations.json');
    writeFileSync(file, JSON.stringify([{ id: 'tenant-b', secrets: ['b-secret'] }]));
    t = await startRegistrationsApp({ AXP_CONFIG_FILE: file, REGISTRATION_TTL: '1d' });
    sql = new Client({ connectionString: t.db.url });
    await sql.connect();
  });

  afterAll(async () => {
    await sql.end();
    await t.close();
  });

  const rowsOf = async (token: string) =>
    (
      await sql.query<{ config_id: string; session_id: string; platform: string }>(
        'SELECT config_id, session_id, platform FROM registrations WHERE device_token = $1',
        [token],
      )
    ).rows;

  describe('PUT /v1/registrations/{deviceToken}', () => {
    it('answers 201 with the registration when new, 200 when renewed; one row either way', async () => {
      const token = fcmToken();
      const sessionId = randomUUID();
      const first = await t.call('PUT', `${V1}/${token}`, { sessionId, customerId: 'customer-id-12345' });
      expect(first.statusCode).toBe(201);
      const created = first.json();
      expect(created).toEqual({
        configId: 'default',
        deviceToken: token,
        sessionId,
        customerId: 'customer-id-12345',
        platform: 'android',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        lastSeenAt: expect.any(String),
        expiresAt: expect.any(String),
      });
      const ttlMs = Date.parse(created.expiresAt) - Date.parse(created.lastSeenAt);
      expect(Math.abs(ttlMs - 86_400_000)).toBeLessThan(2_000);

      const again = await t.call('PUT', `${V1}/${token}`, { sessionId, platform: 'web' });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({ createdAt: created.createdAt, platform: 'web', customerId: null });
      expect(Date.parse(again.json().expiresAt)).toBeGreaterThanOrEqual(Date.parse(created.expiresAt));
      expect(await rowsOf(token)).toEqual([{ config_id: 'default', session_id: sessionId, platform: 'web' }]);
    });

    it('moves a token to the session it is registered with last', async () => {
      const token = fcmToken();
      const [s1, s2] = [randomUUID(), randomUUID()];
      expect((await t.call('PUT', `${V1}/${token}`, { sessionId: s1 })).statusCode).toBe(201);
      expect((await t.call('PUT', `${V1}/${token}`, { sessionId: s2 })).statusCode).toBe(200);
      expect((await t.call('GET', `/v1/sessions/${s1}/registrations`)).json().registrations).toEqual([]);
      const moved = await t.call('GET', `/v1/sessions/${s2}/registrations`);
      expect(moved.json()).toMatchObject({ configId: 'default', sessionId: s2 });
      expect(moved.json().registrations).toEqual([expect.objectContaining({ deviceToken: token })]);
    });

    it('keeps several tokens per session', async () => {
      const sessionId = randomUUID();
      const tokens = [fcmToken(), fcmToken(), fcmToken()];
      for (const [i, token] of tokens.entries()) {
        const platform = (['android', 'ios', 'web'] as const)[i];
        expect((await t.call('PUT', `${V1}/${token}`, { sessionId, platform })).statusCode).toBe(201);
      }
      const res = await t.call('GET', `/v1/sessions/${sessionId}/registrations`);
      expect(res.statusCode).toBe(200);
      const listed = res.json().registrations.map((r: { deviceToken: string }) => r.deviceToken);
      expect(listed.sort()).toEqual([...tokens].sort());
    });

    it('accepts a legacy GCM-style token and one of 4096 characters', async () => {
      const legacy = `APA91b${'x-_Y'.repeat(35)}`;
      expect((await t.call('PUT', `${V1}/${legacy}`, { sessionId: 's' })).statusCode).toBe(201);
      const longest = 'a.b:c'.repeat(819) + 'z';
      expect(longest).toHaveLength(4096);
      expect((await t.call('PUT', `${V1}/${longest}`, { sessionId: 's' })).statusCode).toBe(201);
      expect((await t.call('GET', `${V1}/${longest}`)).json().deviceToken).toBe(longest);
    });

    it('keeps configurations apart; an unknown configId is a 404 in the sample format', async () => {
      const token = fcmToken();
      const sessionId = randomUUID();
      expect((await t.call('PUT', `${V1}/${token}`, { configId: 'tenant-b', sessionId })).statusCode).toBe(201);
      expect((await t.call('GET', `${V1}/${token}`)).statusCode).toBe(404);
      const inB = await t.call('GET', `${V1}/${token}?configId=tenant-b`);
      expect(inB.json()).toMatchObject({ configId: 'tenant-b', sessionId });
      const session = await t.call('GET', `/v1/sessions/${sessionId}/registrations?configId=tenant-b`);
      expect(session.json().registrations).toHaveLength(1);

      const unknown = await t.call('PUT', `${V1}/${token}`, { configId: 'nope', sessionId });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toEqual({ message: 'configId [nope] not found' });
      const read = await t.call('GET', `${V1}/${token}?configId=nope`);
      expect(read.json()).toEqual({ message: 'configId [nope] not found' });
      expect((await t.call('DELETE', `${V1}/${token}?configId=nope`)).statusCode).toBe(404);
      expect((await t.call('GET', `/v1/sessions/${sessionId}/registrations?configId=nope`)).statusCode).toBe(404);
    });
  });

  describe('GET and DELETE /v1/registrations/{deviceToken}', () => {
    it('reads, deletes (204) and then answers 404', async () => {
      const token = fcmToken();
      await t.call('PUT', `${V1}/${token}`, { sessionId: 'session-a', platform: 'ios' });
      const read = await t.call('GET', `${V1}/${token}`);
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ deviceToken: token, sessionId: 'session-a', platform: 'ios' });

      const removed = await t.call('DELETE', `${V1}/${token}`);
      expect(removed.statusCode).toBe(204);
      expect(removed.body).toBe('');
      expect(await rowsOf(token)).toEqual([]);
      expect((await t.call('GET', `${V1}/${token}`)).json()).toEqual({ message: `deviceToken [${token}] not found` });
      expect((await t.call('DELETE', `${V1}/${token}`)).statusCode).toBe(404);
    });
  });

  describe('expiry', () => {
    const expire = (token: string) =>
      sql.query(`UPDATE registrations SET expires_at = now() - interval '1 second' WHERE device_token = $1`, [token]);

    it('hides expired rows from reads, counts re-registering as new, and the clean-up removes them', async () => {
      const sessionId = randomUUID();
      const [kept, expired] = [fcmToken(), fcmToken()];
      await t.call('PUT', `${V1}/${kept}`, { sessionId });
      await t.call('PUT', `${V1}/${expired}`, { sessionId });
      await expire(expired);

      expect((await t.call('GET', `${V1}/${expired}`)).statusCode).toBe(404);
      expect((await t.call('GET', `${SAMPLE}/${expired}`)).statusCode).toBe(404);
      const session = await t.call('GET', `/v1/sessions/${sessionId}/registrations`);
      expect(session.json().registrations.map((r: { deviceToken: string }) => r.deviceToken)).toEqual([kept]);
      expect((await t.call('DELETE', `${V1}/${expired}`)).statusCode).toBe(404);

      const other = fcmToken();
      await t.call('PUT', `${V1}/${other}`, { sessionId });
      await expire(other);
      const removed = await t.app.get(RegistrationCleanupService).runOnce();
      expect(removed).toBeGreaterThanOrEqual(1);
      expect(await rowsOf(other)).toEqual([]);
      expect(await rowsOf(kept)).toHaveLength(1);

      const second = fcmToken();
      await t.call('PUT', `${V1}/${second}`, { sessionId: 'old' });
      await expire(second);
      expect((await t.call('PUT', `${V1}/${second}`, { sessionId: 'new' })).statusCode).toBe(201);
    });
  });

  describe('authentication', () => {
    it('401 with WWW-Authenticate when the key is missing, and nothing is stored', async () => {
      const token = fcmToken();
      const res = await t.call('PUT', `${V1}/${token}`, { sessionId: 's' }, { authorization: undefined });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="registrations"/);
      expect(res.json().message).toMatch(/Authorization: Bearer/);
      expect(await rowsOf(token)).toEqual([]);
    });

    it.each([
      ['a wrong key', 'Bearer wrong-key'],
      ['a longer key with the right prefix', 'Bearer test-registration-key-and-more'],
      ['another scheme', 'Basic dGVzdDp0ZXN0'],
      ['an empty bearer', 'Bearer '],
    ])('401 for %s', async (_label, authorization) => {
      const res = await t.call('GET', `${SAMPLE}`, undefined, { authorization });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('guards every registration route, the sample-compatible ones included', async () => {
      const token = fcmToken();
      const none = { authorization: undefined };
      const answers = await Promise.all([
        t.call('PUT', `${V1}/${token}`, { sessionId: 's' }, none),
        t.call('GET', `${V1}/${token}`, undefined, none),
        t.call('DELETE', `${V1}/${token}`, undefined, none),
        t.call('GET', '/v1/sessions/s/registrations', undefined, none),
        t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId: 's' }, none),
        t.call('GET', `${SAMPLE}/${token}`, undefined, none),
        t.call('DELETE', `${SAMPLE}/${token}`, undefined, none),
        t.call('GET', SAMPLE, undefined, none),
        t.call('POST', SEARCH, { sessionId: 's' }, none),
      ]);
      expect(answers.map((a) => a.statusCode)).toEqual(Array(9).fill(401));
    });

    it('accepts the key in any case of the scheme', async () => {
      const lower = await t.call('GET', SAMPLE, undefined, { authorization: 'bearer test-registration-key' });
      expect(lower.statusCode).toBe(200);
    });

    it('never applies to the AXP callback or the health routes', async () => {
      const event = axpEvent();
      const callback = await t.call('POST', '/v1/axp/default/notifications', event, {
        authorization: undefined,
        'x-hmac': signatureFor(event),
      });
      expect(callback.statusCode).toBe(202);
      const withWrongKey = axpEvent();
      const sampleCallback = '/custom-notification-connector/axp-callback/notifications';
      const callback2 = await t.call('POST', sampleCallback, withWrongKey, {
        authorization: 'Bearer wrong',
        'x-hmac': signatureFor(withWrongKey),
      });
      expect(callback2.statusCode).toBe(202);
      expect((await t.call('GET', '/health/live', undefined, { authorization: undefined })).statusCode).toBe(200);
    });
  });
});
