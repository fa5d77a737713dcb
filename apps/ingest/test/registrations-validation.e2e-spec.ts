import fc from 'fast-check';
import { fcmToken, type RegistrationsTestApp, startRegistrationsApp } from './registrations-test-app';

const V1 = '/v1/registrations';
const SAMPLE = '/custom-notification-connector/device-registrations';

/** Bad input gets a 400 naming the field (or 413/415), never a 5xx, and nothing is stored. */
describe('registration input validation (real Postgres)', () => {
  let t: RegistrationsTestApp;

  beforeAll(async () => {
    t = await startRegistrationsApp({ REGISTRATION_RATE_LIMIT: '1000000' });
  });

  afterAll(async () => {
    await t.close();
  });

  describe('the device token in the path', () => {
    it.each([
      ['a character outside the FCM alphabet', 'abc$def'],
      ['an encoded slash', 'abc%2Fdef'],
      ['an encoded space', 'abc%20def'],
      ['an encoded NUL', 'abc%00def'],
      ['non-ASCII letters', 'tok%C3%A9n'],
      ['4097 characters', 'a'.repeat(4097)],
      ['8000 characters', 'b'.repeat(8000)],
    ])('400 naming deviceToken for %s', async (_label, token) => {
      for (const [method, url, body] of [
        ['PUT', `${V1}/${token}`, { sessionId: 's' }],
        ['GET', `${V1}/${token}`, undefined],
        ['DELETE', `${V1}/${token}`, undefined],
        ['PUT', `${SAMPLE}/${token}`, { configId: 'default', sessionId: 's' }],
        ['GET', `${SAMPLE}/${token}`, undefined],
      ] as const) {
        const res = await t.call(method, url, body);
        const route = `${method} ${url.slice(0, 60)}`;
        expect({ route, status: res.statusCode }).toEqual({ route, status: 400 });
        expect(res.json()).toMatchObject({ statusCode: 400, field: 'deviceToken' });
        expect(res.json().message).toMatch(/^deviceToken /);
      }
    });

    it('says how long a token may be', async () => {
      const res = await t.call('PUT', `${V1}/${'a'.repeat(4097)}`, { sessionId: 's' });
      expect(res.json().message).toBe('deviceToken must be at most 4096 characters (got 4097)');
    });
  });

  describe('the body of PUT /v1/registrations/{deviceToken}', () => {
    it.each<[string, unknown, string, RegExp]>([
      ['a missing sessionId', { platform: 'ios' }, 'sessionId', /sessionId is required/],
      ['a numeric sessionId', { sessionId: 42 }, 'sessionId', /sessionId must be a string/],
      ['an empty sessionId', { sessionId: '' }, 'sessionId', /1-256 printable/],
      ['a sessionId of 257 characters', { sessionId: 's'.repeat(257) }, 'sessionId', /1-256 printable/],
      ['a control character in sessionId', { sessionId: 'a\u0001b' }, 'sessionId', /printable/],
      ['a NUL in sessionId', { sessionId: 'a\u0000b' }, 'sessionId', /printable/],
      ['a lone surrogate in sessionId', { sessionId: 'a\ud800b' }, 'sessionId', /printable/],
      // 256 by class-validator's count (it skips variation selectors) but 512 characters for Postgres
      ['256 emoji with variation selectors', { sessionId: '\u2764\ufe0f'.repeat(256) }, 'sessionId', /1-256/],
      ['an object as sessionId', { sessionId: { $ne: '' } }, 'sessionId', /string/],
      ['an unknown platform', { sessionId: 's', platform: 'windows' }, 'platform', /one of: android, ios, web/],
      ['a numeric customerId', { sessionId: 's', customerId: 7 }, 'customerId', /customerId must be a string/],
      ['a customerId of 257 characters', { sessionId: 's', customerId: 'c'.repeat(257) }, 'customerId', /1-256/],
      ['an array configId', { sessionId: 's', configId: ['default'] }, 'configId', /configId must be a string/],
      ['an unknown field', { sessionId: 's', platfrom: 'ios' }, 'platfrom', /platfrom is not a known field/],
    ])('400 naming the field for %s', async (_label, body, field, message) => {
      const token = fcmToken();
      const res = await t.call('PUT', `${V1}/${token}`, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', field });
      expect(res.json().message).toMatch(message);
      expect((await t.call('GET', `${V1}/${token}`)).statusCode).toBe(404);
    });

    it('accepts 256 printable characters, spaces and non-Latin scripts included', async () => {
      const sessionId = 'セッション '.repeat(42) + 'abcd';
      expect([...sessionId]).toHaveLength(256);
      const res = await t.call('PUT', `${V1}/${fcmToken()}`, { sessionId, customerId: 'Zoë 🙂' });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ sessionId, customerId: 'Zoë 🙂' });
    });

    it('lists every problem under errors', async () => {
      const res = await t.call('PUT', `${V1}/${fcmToken()}`, { platform: 'x', customerId: 1 });
      expect(res.statusCode).toBe(400);
      const fields = res.json().errors.map((e: { field: string }) => e.field);
      expect(fields.sort()).toEqual(['customerId', 'platform', 'sessionId']);
    });

    it.each<[string, string]>([
      ['not JSON', '{"sessionId": '],
      ['a JSON array', '[{"sessionId": "s"}]'],
      ['a JSON string', '"s"'],
      ['JSON null', 'null'],
      ['an empty body', ''],
      ['a __proto__ key', '{"sessionId": "s", "__proto__": {"admin": true}}'],
      ['a constructor.prototype key', '{"sessionId": "s", "constructor": {"prototype": {"x": 1}}}'],
    ])('400 for %s', async (_label, payload) => {
      const res = await t.app.inject({
        method: 'PUT',
        url: `${V1}/${fcmToken()}`,
        headers: { 'content-type': 'application/json', authorization: 'Bearer test-registration-key' },
        payload,
      });
      expect(res.statusCode).toBe(400);
    });

    it('415 for a non-JSON media type, 413 over 64 KiB', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const text = await t.call('PUT', `${V1}/${fcmToken()}`, 'sessionId=s', form);
      expect(text.statusCode).toBe(415);
      const big = await t.call('PUT', `${V1}/${fcmToken()}`, { sessionId: 's', pad: 'x'.repeat(70 * 1024) });
      expect(big.statusCode).toBe(413);
    });

    it('400 for a PUT without a body at all', async () => {
      const res = await t.call('PUT', `${V1}/${fcmToken()}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().message).toMatch(/JSON object/);
    });
  });

  describe('paths and queries', () => {
    it('400 naming sessionId for a bad session in the path', async () => {
      const res = await t.call('GET', `/v1/sessions/${'s'.repeat(257)}/registrations`);
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe('sessionId');
      expect((await t.call('GET', '/v1/sessions/a%01b/registrations')).json().field).toBe('sessionId');
    });

    it('400 for a malformed percent-encoding in the token', async () => {
      expect((await t.call('GET', `${V1}/abc%zz`)).statusCode).toBe(400);
      expect((await t.call('PUT', `${SAMPLE}/abc%E0%A4%A`, { sessionId: 's' })).statusCode).toBe(400);
    });

    it('400 naming configId when the query repeats it', async () => {
      const res = await t.call('GET', `${V1}/${fcmToken()}?configId=a&configId=b`);
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe('configId');
    });

    it('the sample routes validate their bodies too', async () => {
      const res = await t.call('PUT', `${SAMPLE}/${fcmToken()}`, { configId: 'default', sessionId: 5, type: 'ios' });
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe('sessionId');
      const body = { configId: 'default', sessionId: 's', type: ['ios'] };
      const type = await t.call('PUT', `${SAMPLE}/${fcmToken()}`, body);
      expect(type.json().field).toBe('type');
    });
  });

  it('never answers 5xx to generated bodies, tokens and queries', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ maxLength: 300 }), fc.constant(fcmToken())),
        fc.oneof(
          fc.jsonValue(),
          fc.record(
            { sessionId: fc.oneof(fc.string(), fc.jsonValue()), platform: fc.jsonValue() },
            { requiredKeys: [] },
          ),
        ),
        fc.constantFrom('PUT', 'GET', 'DELETE'),
        fc.constantFrom(V1, SAMPLE),
        async (token, body, method, base) => {
          const res = await t.app.inject({
            method,
            url: `${base}/${encodeURIComponent(token)}`,
            headers: { 'content-type': 'application/json', authorization: 'Bearer test-registration-key' },
            ...(method === 'PUT' ? { payload: JSON.stringify(body) ?? '' } : {}),
          });
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 300 },
    );
  });
});
