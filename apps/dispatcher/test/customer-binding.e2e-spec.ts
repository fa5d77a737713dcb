import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { notificationJobId } from '@app/queue';
import { createIngestApp } from '../../ingest/src/ingest.app';
import { testConfig } from '../../../test/support/test-config';
import { axpEvent, signatureFor } from '../../../test/support/axp';
import { DispatcherHarness } from './dispatcher-harness';

const SECRET = 'customer-binding-test-secret-of-32-bytes-at-least';
const APP_KEY = 'customer-binding-app-key';
const JWT_ENV = {
  REGISTRATION_APP_KEYS: APP_KEY,
  REGISTRATION_JWT_SECRET: SECRET,
  REGISTRATION_JWT_ISSUER: 'https://id.example.test',
  REGISTRATION_JWT_AUDIENCE: 'axp-push',
};

const customerToken = (customerId: string) =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(customerId)
    .setIssuer(JWT_ENV.REGISTRATION_JWT_ISSUER)
    .setAudience(JWT_ENV.REGISTRATION_JWT_AUDIENCE)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));

/** Issue 15's binding, end to end: app registration with a customer JWT at the ingest, AXP callbacks, FCM emulator. */
describe('registrations bound to their customer (ingest + dispatcher + emulator)', () => {
  let h: DispatcherHarness;
  let ingest: NestFastifyApplication;

  beforeAll(async () => {
    h = await DispatcherHarness.start();
    ingest = await createIngestApp(
      testConfig('ingest', { QUEUE_PREFIX: h.config.queue.prefix, DATABASE_URL: h.config.database.url, ...JWT_ENV }),
    );
    await ingest.init();
    await ingest.getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await ingest.close();
    await h.close();
  });
  beforeEach(() => h.emulator.reset());

  const register = async (deviceToken: string, sessionId: string, customerId: string) =>
    ingest.inject({
      method: 'PUT',
      url: `/v1/registrations/${deviceToken}`,
      headers: {
        authorization: `Bearer ${APP_KEY}`,
        'x-customer-token': await customerToken(customerId),
        'content-type': 'application/json',
      },
      // The body's customerId is not believed: the token's is stored.
      payload: JSON.stringify({ sessionId, customerId: 'customer-B' }),
    });
  const callback = (event: ReturnType<typeof axpEvent>) =>
    ingest.inject({
      method: 'POST',
      url: '/custom-notification-connector/axp-callback/notifications',
      headers: { 'content-type': 'application/json', 'x-hmac': signatureFor(event) },
      payload: JSON.stringify(event),
    });
  const refusedCount = async () => {
    const text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith('axp_push_refused_total{reason="customer-mismatch"}'));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  it("delivers customer A's events to A's device and refuses B's, also in B's session, counting each refusal", async () => {
    const sessionA = axpEvent().sessionId;
    const sessionB = axpEvent().sessionId;
    const registered = await register('bound-phone-of-a', sessionA, 'customer-A');
    expect(registered.statusCode).toBe(201);
    expect(registered.json()).toMatchObject({ customerId: 'customer-A' });

    const forA = axpEvent({ sessionId: sessionA, customerId: 'customer-A' });
    expect((await callback(forA)).statusCode).toBe(202);
    expect((await h.finished(notificationJobId('default', forA.eventId))).state).toBe('completed');
    expect(h.emulator.requests.map((r) => r.token)).toEqual(['bound-phone-of-a']);
    expect(h.emulator.requests[0].message.data).toEqual(forA);

    const before = await refusedCount();
    // An event of B in A's session (AXP would not send it, but nothing else stops it).
    const forB = axpEvent({ sessionId: sessionA, customerId: 'customer-B' });
    expect((await callback(forB)).statusCode).toBe(202);
    const finishedB = await h.finished(notificationJobId('default', forB.eventId));
    expect(finishedB.state).toBe('completed');
    expect(finishedB.job.returnvalue).toMatchObject({ outcome: 'refused', delivered: 0 });

    // A's device moved into B's session with A's token: B's events still do not reach it.
    expect((await register('bound-phone-of-a', sessionB, 'customer-A')).statusCode).toBe(200);
    await h.register(sessionB, ['unbound-phone-of-b']);
    const inB = axpEvent({ sessionId: sessionB, customerId: 'customer-B' });
    expect((await callback(inB)).statusCode).toBe(202);
    expect((await h.finished(notificationJobId('default', inB.eventId))).state).toBe('completed');
    expect(h.emulator.requests.map((r) => r.token)).toEqual(['bound-phone-of-a', 'unbound-phone-of-b']);
    expect(await refusedCount()).toBe(before + 2);
  });
});
