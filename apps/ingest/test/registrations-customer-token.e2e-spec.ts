import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, type JWTPayload, type KeyLike, SignJWT } from 'jose';
import { fcmToken, type RegistrationsTestApp, startRegistrationsApp } from './registrations-test-app';

const APP_KEY = 'app-key-shipped-in-the-app';
const ISSUER = 'https://id.example.test';
const AUDIENCE = 'axp-push';

interface Signing {
  key: KeyLike | Uint8Array;
  alg: string;
  kid?: string;
}

const sign = (signing: Signing, claims: JWTPayload = {}, expiresIn: string | number = '5m') =>
  new SignJWT({ sub: 'customer-A', ...claims })
    .setProtectedHeader({ alg: signing.alg, ...(signing.kid ? { kid: signing.kid } : {}) })
    .setIssuer(typeof claims.iss === 'string' ? claims.iss : ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(signing.key);

/** An unsigned token, as `alg: none` attacks send it. */
const unsigned = (claims: JWTPayload) => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: ISSUER, aud: AUDIENCE, sub: 'customer-A', exp: Math.floor(Date.now() / 1000) + 300, ...claims })}.`;
};

/** Issue 15: the customer JWT of an app registration, verified; every forged or stale token gets 401. */
describe('customer tokens signed with a public key (REGISTRATION_JWT_PUBLIC_KEY)', () => {
  let t: RegistrationsTestApp;
  let good: Signing;
  let publicPem: string;
  let other: Signing;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    good = { key: pair.privateKey, alg: 'RS256' };
    other = { key: (await generateKeyPair('RS256')).privateKey, alg: 'RS256' };
    publicPem = await exportSPKI(pair.publicKey);
    t = await startRegistrationsApp({
      REGISTRATION_APP_KEYS: APP_KEY,
      // One-line form, as an environment file carries it.
      REGISTRATION_JWT_PUBLIC_KEY: publicPem.trim().replace(/\n/g, '\\n'),
      REGISTRATION_JWT_ISSUER: ISSUER,
      REGISTRATION_JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const register = (jwt: string | undefined, token = fcmToken(), body: object = { sessionId: 'session-of-b', customerId: 'customer-B' }) =>
    t.call('PUT', `/v1/registrations/${token}`, body, { authorization: `Bearer ${APP_KEY}`, 'x-customer-token': jwt });

  it("stores the token's customerId, never the body's", async () => {
    const res = await register(await sign(good));
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ customerId: 'customer-A', sessionId: 'session-of-b' });
  });

  it('takes the token as Authorization: Bearer when the key comes in X-Api-Key', async () => {
    const res = await t.call('PUT', `/v1/registrations/${fcmToken()}`, { sessionId: 's' }, {
      'x-api-key': APP_KEY,
      authorization: `Bearer ${await sign(good)}`,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ customerId: 'customer-A' });
  });

  it('refuses an app registration without a customer token', async () => {
    const res = await register(undefined);
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/missing customer token: send x-customer-token/);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    ['a forged signature', () => sign(other), /signature is not valid/],
    ['an expired token', () => sign(good, {}, now() - 60), /expired/],
    ['a token not yet valid', () => sign(good, { nbf: now() + 120 }), /not-before/],
    ['a wrong issuer', () => sign(good, { iss: 'https://evil.example.test' }), /issuer is not accepted/],
    ['a wrong audience', () => sign(good, { aud: 'another-service' }), /audience is not accepted/],
    ['alg: none', async () => unsigned({}), /not a valid signed JWT|algorithm/],
    ['HS256 signed with the public key', () => sign({ key: new TextEncoder().encode(publicPem), alg: 'HS256' }), /algorithm is not accepted/],
    ['a token without its customer claim', () => sign(good, { sub: undefined }), /sub claim must be the customerId/],
    ['garbage', async () => 'not.a.jwt', /not a valid signed JWT/],
  ];
  it.each(cases)('answers 401 to %s, and stores nothing', async (_name, make, message) => {
    const token = fcmToken();
    const res = await register(await make(), token);
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(message);
    expect((await t.call('GET', `/v1/registrations/${token}`)).statusCode).toBe(404);
  });

  it('tolerates 30 s of clock skew, not more', async () => {
    expect((await register(await sign(good, {}, now() - 10))).statusCode).toBe(201);
    expect((await register(await sign(good, { nbf: now() + 10 }))).statusCode).toBe(201);
  });

  it("hides a registration bound to another customer from an app key with that customer's token", async () => {
    const token = fcmToken();
    expect((await register(await sign(good), token)).statusCode).toBe(201);
    const asB = { authorization: `Bearer ${APP_KEY}`, 'x-customer-token': await sign(good, { sub: 'customer-B' }) };
    expect((await t.call('GET', `/v1/registrations/${token}`, undefined, asB)).statusCode).toBe(404);
    expect((await t.call('DELETE', `/v1/registrations/${token}`, undefined, asB)).statusCode).toBe(404);
    const asA = { authorization: `Bearer ${APP_KEY}`, 'x-customer-token': await sign(good) };
    expect((await t.call('GET', `/v1/registrations/${token}`, undefined, asA)).statusCode).toBe(200);
  });
});

describe('customer tokens from a JWKS (REGISTRATION_JWT_JWKS_URL)', () => {
  let t: RegistrationsTestApp;
  let server: Server;
  let jwks: { keys: object[] } = { keys: [] };
  let fetches = 0;

  const keyPair = async (kid: string): Promise<{ signing: Signing; jwk: object }> => {
    const pair = await generateKeyPair('ES256');
    return { signing: { key: pair.privateKey, alg: 'ES256', kid }, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };

  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await startRegistrationsApp({
      REGISTRATION_APP_KEYS: APP_KEY,
      REGISTRATION_JWT_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
      REGISTRATION_JWT_ISSUER: ISSUER,
      REGISTRATION_JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const register = (jwt: string) =>
    t.call('PUT', `/v1/registrations/${fcmToken()}`, { sessionId: 's' }, { authorization: `Bearer ${APP_KEY}`, 'x-customer-token': jwt });

  it('picks up a rotated key on its unknown kid, and keeps the JWKS cached otherwise', async () => {
    const first = await keyPair('key-1');
    jwks = { keys: [first.jwk] };
    expect((await register(await sign(first.signing))).statusCode).toBe(201);
    expect((await register(await sign(first.signing))).statusCode).toBe(201);
    expect(fetches).toBe(1);

    const second = await keyPair('key-2');
    jwks = { keys: [second.jwk] };
    // The cooldown between fetches (5 s) keeps made-up kids from turning requests into fetches.
    await new Promise((resolve) => setTimeout(resolve, 5_200));
    const rotated = await register(await sign(second.signing));
    expect(rotated.statusCode).toBe(201);
    expect(fetches).toBe(2);
    // A kid the issuer does not publish: 401, no new fetch within the cooldown.
    const unknown = await register(await sign({ ...first.signing, kid: 'key-9' }));
    expect(unknown.statusCode).toBe(401);
    expect(fetches).toBe(2);
  }, 30_000);
});

describe('customer tokens when the JWKS cannot be fetched', () => {
  let t: RegistrationsTestApp;
  let server: Server;
  let mode: 'reset' | '500' | 'garbage' | 'ok' = 'reset';
  let jwks: { keys: object[] } = { keys: [] };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (mode === 'reset') return req.socket.destroy();
      if (mode === '500') return res.writeHead(500).end('down');
      if (mode === 'garbage') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t = await startRegistrationsApp({
      REGISTRATION_APP_KEYS: APP_KEY,
      REGISTRATION_JWT_JWKS_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
      REGISTRATION_JWT_ISSUER: ISSUER,
      REGISTRATION_JWT_AUDIENCE: AUDIENCE,
    });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers 503 naming REGISTRATION_JWT_JWKS_URL while the JWKS is unreachable, failing or malformed, and 201 once it answers', async () => {
    const pair = await generateKeyPair('ES256');
    const signing: Signing = { key: pair.privateKey, alg: 'ES256', kid: 'key-1' };
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' }] };
    const register = async () =>
      t.call('PUT', `/v1/registrations/${fcmToken()}`, { sessionId: 's' }, { authorization: `Bearer ${APP_KEY}`, 'x-customer-token': await sign(signing) });
    for (const failing of ['reset', '500', 'garbage'] as const) {
      mode = failing;
      const answer = await register();
      expect({ mode: failing, status: answer.statusCode }).toEqual({ mode: failing, status: 503 });
      expect(answer.json()).toMatchObject({ statusCode: 503, message: expect.stringContaining('REGISTRATION_JWT_JWKS_URL') });
    }
    mode = 'ok';
    expect((await register()).statusCode).toBe(201);
  }, 30_000);
});
