import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDataSource, DatabaseConnector } from '@app/persistence';
import { createIngestApp } from '../src/ingest.app';
import { axpEvent, signatureFor } from '../../../test/support/axp';
import { freePort } from '../../../test/support/processes';
import { deleteQueueKeys } from '../../../test/support/redis';
import { TEST_DATABASE_ADMIN_URL, testConfig } from '../../../test/support/test-config';
import { fcmToken } from './registrations-test-app';

const auth = { authorization: 'Bearer test-registration-key', 'content-type': 'application/json' };

async function expectPrompt503(app: NestFastifyApplication, method: 'PUT' | 'GET', url: string): Promise<void> {
  const started = Date.now();
  const payload = method === 'PUT' ? { payload: '{"sessionId":"s"}' } : {};
  const res = await app.inject({ method, url, headers: auth, ...payload });
  expect(res.statusCode).toBe(503);
  expect(res.json()).toMatchObject({ message: 'registration store unavailable' });
  expect(Date.now() - started).toBeLessThan(4_000);
}

describe('registrations while Postgres is unreachable from the start', () => {
  let app: NestFastifyApplication;
  let prefix: string;

  beforeAll(async () => {
    const closedPort = await freePort();
    const config = testConfig('ingest', { DATABASE_URL: `postgres://postgres@127.0.0.1:${closedPort}/none` });
    prefix = config.queue.prefix;
    app = await createIngestApp(config);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await deleteQueueKeys(prefix);
  });

  it('the ingest still starts and accepts AXP callbacks', async () => {
    const event = axpEvent();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/axp/default/notifications',
      headers: { 'content-type': 'application/json', 'x-hmac': signatureFor(event) },
      payload: JSON.stringify(event),
    });
    expect(res.statusCode).toBe(202);
    expect(app.get(DatabaseConnector).connected).toBe(false);
  });

  it('every registration route answers 503 promptly, never 500 or a hang', async () => {
    await expectPrompt503(app, 'PUT', `/v1/registrations/${fcmToken()}`);
    await expectPrompt503(app, 'GET', `/v1/registrations/${fcmToken()}`);
    await expectPrompt503(app, 'GET', '/v1/sessions/s/registrations');
    await expectPrompt503(app, 'PUT', `/custom-notification-connector/device-registrations/${fcmToken()}`);
    await expectPrompt503(app, 'GET', '/custom-notification-connector/device-registrations');
  });

  it('bad input is still a 400 and a bad key still a 401, before the store is asked', async () => {
    const payload = '{"sessionId":"s"}';
    const bad = await app.inject({ method: 'PUT', url: '/v1/registrations/a$b', headers: auth, payload });
    expect(bad.statusCode).toBe(400);
    const unauthorized = await app.inject({ method: 'GET', url: '/v1/sessions/s/registrations' });
    expect(unauthorized.statusCode).toBe(401);
  });
});

describe('registrations when Postgres goes away and comes back', () => {
  it('answers 503 while the database is gone, then serves again once it exists', async () => {
    const name = `axp_test_${randomBytes(6).toString('hex')}`;
    const url = new URL(TEST_DATABASE_ADMIN_URL);
    url.pathname = `/${name}`;
    const admin = new Client({ connectionString: TEST_DATABASE_ADMIN_URL });
    await admin.connect();
    const config = testConfig('ingest', { DATABASE_URL: url.toString() });
    const app = await createIngestApp(config);
    try {
      await app.init();
      await expectPrompt503(app, 'GET', '/v1/sessions/s/registrations');

      await admin.query(`CREATE DATABASE ${name}`);
      const migrations = createDataSource({ url: url.toString(), poolSize: 1 });
      await migrations.initialize();
      await migrations.runMigrations({ transaction: 'each' });
      await migrations.destroy();

      const connector = app.get(DatabaseConnector);
      const deadline = Date.now() + 15_000;
      while (!connector.connected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(connector.connected).toBe(true);
      const token = fcmToken();
      const payload = '{"sessionId":"back"}';
      const put = await app.inject({ method: 'PUT', url: `/v1/registrations/${token}`, headers: auth, payload });
      expect(put.statusCode).toBe(201);

      // Dropping the database under a connected pool: errors are mapped to 503, not 500.
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      await expectPrompt503(app, 'GET', `/v1/registrations/${token}`);
      await expectPrompt503(app, 'PUT', `/v1/registrations/${token}`);
    } finally {
      await app.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await deleteQueueKeys(config.queue.prefix);
    }
  });
});
