import { randomUUID } from 'node:crypto';
import { fcmToken, type RegistrationsTestApp, startRegistrationsApp } from './registrations-test-app';

const SAMPLE = '/custom-notification-connector/device-registrations';
const SEARCH = '/custom-notification-connector/device-registrations:search';

/** The routes and exact request/response shapes of Avaya's sample connector. */
describe('sample-compatible registration routes (real Postgres)', () => {
  let t: RegistrationsTestApp;

  beforeAll(async () => {
    t = await startRegistrationsApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('registers with the sample body and answers exactly {configId, sessionId, deviceToken}', async () => {
    const token = fcmToken();
    const sessionId = randomUUID();
    const res = await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ configId: 'default', sessionId, deviceToken: token });
    // renewing is also a 200 in the sample
    expect((await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId })).statusCode).toBe(200);
  });

  describe('form-encoded bodies, as the sample parses them', () => {
    const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

    it('registers from a form and answers the sample shape', async () => {
      const token = fcmToken();
      const sessionId = `${randomUUID()} é/+&`;
      const form = new URLSearchParams({ configId: 'default', sessionId, type: 'ios' }).toString();
      const res = await t.call('PUT', `${SAMPLE}/${token}`, form, FORM);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ configId: 'default', sessionId, deviceToken: token, type: 'ios' });
      const found = await t.call('POST', SEARCH, new URLSearchParams({ sessionId }).toString(), FORM);
      expect(found.statusCode).toBe(200);
      expect(found.json()).toMatchObject({ sessionId, deviceToken: token });
    });

    it('names the field of a bad form value, repeated or missing, with a 400', async () => {
      const token = fcmToken();
      const repeated = await t.call('PUT', `${SAMPLE}/${token}`, 'configId=default&sessionId=a&sessionId=b', FORM);
      expect(repeated.statusCode).toBe(400);
      expect(repeated.json()).toMatchObject({ field: 'sessionId' });
      const control = await t.call('PUT', `${SAMPLE}/${token}`, 'configId=default&sessionId=s%00%3A%2F%25', FORM);
      expect(control.statusCode).toBe(400);
      expect(control.json()).toMatchObject({ field: 'sessionId' });
      const broken = await t.call('PUT', `${SAMPLE}/${token}`, 'configId=default&sessionId=%ED%A0%80x%', FORM);
      expect(broken.statusCode).toBe(200); // invalid UTF-8 reads as U+FFFD, a printable character
    });

    it('stays JSON-only on our own API: a form there is a 415', async () => {
      const res = await t.call('PUT', `/v1/registrations/${fcmToken()}`, 'configId=default&sessionId=s', FORM);
      expect(res.statusCode).toBe(415);
    });
  });

  it('then finds it by sessionId, and a re-registration to another session moves it', async () => {
    const token = fcmToken();
    const [s1, s2] = [randomUUID(), randomUUID()];
    await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId: s1 });
    const found = await t.call('POST', SEARCH, { sessionId: s1 });
    expect(found.statusCode).toBe(200);
    expect(found.json()).toEqual({ configId: 'default', sessionId: s1, deviceToken: token });

    expect((await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId: s2 })).statusCode).toBe(200);
    const moved = await t.call('POST', SEARCH, { sessionId: s2 });
    expect(moved.json()).toEqual({ configId: 'default', sessionId: s2, deviceToken: token });
    const gone = await t.call('POST', SEARCH, { sessionId: s1 });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toEqual({ message: `sessionId [${s1}] not found` });
    // and our own API agrees
    expect((await t.call('GET', `/v1/sessions/${s2}/registrations`)).json().registrations).toHaveLength(1);
  });

  it("maps type 'ios' to the iOS platform and answers it back", async () => {
    const token = fcmToken();
    const sessionId = randomUUID();
    const res = await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId, type: 'ios' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ configId: 'default', sessionId, deviceToken: token, type: 'ios' });
    expect((await t.call('GET', `/v1/registrations/${token}`)).json().platform).toBe('ios');
    const read = await t.call('GET', `${SAMPLE}/${token}`);
    expect(read.json()).toEqual({ configId: 'default', sessionId, deviceToken: token, type: 'ios' });
    // any other type is Android, as in the sample
    await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId, type: 'fcm' });
    expect((await t.call('GET', `/v1/registrations/${token}`)).json().platform).toBe('android');
  });

  it('ignores fields the sample would have stored, and defaults a missing configId', async () => {
    const token = fcmToken();
    const body = { sessionId: 's-extra', appVersion: '1.2.3', extra: { a: 1 } };
    const res = await t.call('PUT', `${SAMPLE}/${token}`, body);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ configId: 'default', sessionId: 's-extra', deviceToken: token });
  });

  it('answers 404 {"message": "configId [x] not found"} for an unknown configId and stores nothing', async () => {
    const token = fcmToken();
    const res = await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'unknown-config', sessionId: 's' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ message: 'configId [unknown-config] not found' });
    expect((await t.call('GET', `${SAMPLE}/${token}`)).statusCode).toBe(404);
  });

  it('GET answers the registration, or 404 {"message": "deviceToken [t] not found"}', async () => {
    const token = fcmToken();
    await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId: 's-get' });
    const res = await t.call('GET', `${SAMPLE}/${token}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ configId: 'default', sessionId: 's-get', deviceToken: token });
    const unknown = fcmToken();
    const missing = await t.call('GET', `${SAMPLE}/${unknown}`);
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ message: `deviceToken [${unknown}] not found` });
  });

  it('DELETE answers 204 with no body, then 404', async () => {
    const token = fcmToken();
    await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId: 's-del' });
    const res = await t.call('DELETE', `${SAMPLE}/${token}`);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    const again = await t.call('DELETE', `${SAMPLE}/${token}`);
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ message: `deviceToken [${token}] not found` });
    expect((await t.call('POST', SEARCH, { sessionId: 's-del' })).statusCode).toBe(404);
  });

  it('search answers the most recently registered of several tokens', async () => {
    const sessionId = randomUUID();
    const [older, newer] = [fcmToken(), fcmToken()];
    await t.call('PUT', `${SAMPLE}/${older}`, { configId: 'default', sessionId });
    await t.call('PUT', `${SAMPLE}/${newer}`, { configId: 'default', sessionId });
    expect((await t.call('POST', SEARCH, { sessionId })).json().deviceToken).toBe(newer);
    await t.call('PUT', `${SAMPLE}/${older}`, { configId: 'default', sessionId });
    expect((await t.call('POST', SEARCH, { sessionId })).json().deviceToken).toBe(older);
  });

  it('search is the literal ":search" path, not a parameter', async () => {
    const token = fcmToken();
    await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId: 's-colon' });
    expect((await t.call('POST', SEARCH, { sessionId: 's-colon' })).json().deviceToken).toBe(token);
    expect((await t.call('POST', `${SAMPLE}:other`, { sessionId: 's-colon' })).statusCode).toBe(404);
    expect((await t.call('POST', `${SAMPLE}xsearch`, { sessionId: 's-colon' })).statusCode).toBe(404);
    expect((await t.call('POST', `${SAMPLE}/search`, { sessionId: 's-colon' })).statusCode).toBe(404);
  });

  it('search refuses a body without a sessionId with a 400 naming it', async () => {
    const res = await t.call('POST', SEARCH, { session: 'x' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ field: 'sessionId', message: 'sessionId is required' });
  });

  it('lists registrations as an array of sample-shaped entries', async () => {
    const token = fcmToken();
    await t.call('PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId: 's-list', type: 'ios' });
    const res = await t.call('GET', SAMPLE);
    expect(res.statusCode).toBe(200);
    const list = res.json() as Array<Record<string, string>>;
    expect(Array.isArray(list)).toBe(true);
    expect(list).toContainEqual({ configId: 'default', sessionId: 's-list', deviceToken: token, type: 'ios' });
    expect(list.every((r) => typeof r.deviceToken === 'string' && r.configId === 'default')).toBe(true);
  });
});
