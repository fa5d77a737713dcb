/**
 * Configurations managed at run time, on running ingest, dispatcher and admin processes (the built
 * apps) against the local Redis and a fresh Postgres database, with the FCM emulator: no restart.
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FcmEmulator, startFcmEmulator } from '@app/fcm-emulator';
import { fingerprint } from '@app/config';
import { axpEvent, signatureFor } from '../support/axp';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { freePort, killAll, ManagedProcess, removeDir, tempDir, waitFor } from '../support/processes';
import { TEST_API_KEY, TEST_REDIS_URL, TEST_SECRET, uniquePrefix } from '../support/test-config';

const ROOT = join(__dirname, '../..');
const entry = (app: string) => join(ROOT, `dist/apps/${app}/src/main.js`);
const ADMIN_AUTH = `Basic ${Buffer.from('admin:admin-pw').toString('base64')}`;
const LIVE_MS = 5_000;

/** A throwaway service account: a fresh RSA key, never a real credential. */
function serviceAccount(projectId: string) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    type: 'service_account',
    project_id: projectId,
    private_key_id: randomBytes(8).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: `push@${projectId}.iam.gserviceaccount.com`,
  };
}

describe('AXP configurations at run time', () => {
  let db: TestDatabase;
  let emulator: FcmEmulator;
  let logDir: string;
  const apps: Record<'ingest' | 'dispatcher' | 'admin', { url: string; process: ManagedProcess }> = {} as never;
  const secretA = `a-${randomBytes(12).toString('hex')}`;
  const secretB = `b-${randomBytes(12).toString('hex')}`;
  const account = serviceAccount('tenant-b-project');
  const keys: string[] = [];
  let env: NodeJS.ProcessEnv;

  const admin = (method: string, path: string, body?: unknown) =>
    fetch(`${apps.admin.url}${path}`, {
      method,
      headers: { authorization: ADMIN_AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const callback = (path: string, secret: string, sessionId: string) => {
    const event = axpEvent({ sessionId });
    return fetch(`${apps.ingest.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hmac': signatureFor(event, secret) },
      body: JSON.stringify(event),
    }).then((r) => ({ status: r.status, event }));
  };
  const register = (key: string, token: string, sessionId: string, configId?: string) =>
    fetch(`${apps.ingest.url}/v1/registrations/${token}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sessionId, ...(configId ? { configId } : {}) }),
    });
  const delivered = (token: string, eventId: string) =>
    emulator.requests.find((r) => r.token === token && r.status === 200 && JSON.stringify(r.message).includes(eventId));
  const eventually = (what: string, check: () => Promise<boolean> | boolean) => waitFor(what, check, LIVE_MS, 100);

  beforeAll(async () => {
    for (const app of ['ingest', 'dispatcher', 'admin']) {
      if (!existsSync(entry(app))) throw new Error(`${app} is not built: run npm run build first`);
    }
    db = await createTestDatabase();
    emulator = await startFcmEmulator();
    logDir = tempDir('configurations');
    env = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'debug',
      HOST: '127.0.0.1',
      REDIS_URL: TEST_REDIS_URL,
      DATABASE_URL: db.url,
      QUEUE_PREFIX: uniquePrefix('configurations'),
      AXP_SECRET: TEST_SECRET,
      REGISTRATION_API_KEYS: TEST_API_KEY,
      FCM_EMULATOR_HOST: `127.0.0.1:${emulator.port}`,
      CONFIG_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'admin-pw',
      DISPATCH_BACKOFF_MS: '200',
    };
    for (const app of ['ingest', 'dispatcher', 'admin'] as const) {
      const port = await freePort();
      const process = new ManagedProcess(app, globalThis.process.execPath, [entry(app)], { env: { ...env, PORT: String(port) }, logDir, cwd: ROOT });
      apps[app] = { url: `http://127.0.0.1:${port}`, process };
    }
    for (const app of Object.values(apps)) {
      await waitFor(`${app.process.name} to start`, async () => (await fetch(`${app.url}/health/live`)).status === 200, 90_000, 250).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${readFileSync(app.process.logPath, 'utf8').slice(-3000)}`);
        },
      );
    }
  }, 240_000);

  afterAll(async () => {
    await killAll();
    await emulator?.close();
    await db?.drop();
    if (logDir) removeDir(logDir);
  });

  it('serves a configuration created through the admin API within 5 s, through its own FCM project', async () => {
    const created = await admin('PUT', '/admin/api/configurations/tenant-b', {
      name: 'Tenant B',
      secrets: [secretA],
      fcm: { projectId: 'tenant-b-project', serviceAccount: account },
      ios: { title: 'B', body: 'New message from B' },
    });
    expect(created.status).toBe(201);
    const view = await created.json();
    expect(view).toMatchObject({ id: 'tenant-b', readOnly: false, secrets: [{ fingerprint: fingerprint(secretA) }] });
    expect(JSON.stringify(view)).not.toContain(secretA);
    expect(JSON.stringify(view)).not.toContain('PRIVATE KEY');

    const sessionId = randomUUID();
    await eventually('the ingest to know tenant-b', async () => [200, 201].includes((await register(TEST_API_KEY, 'tok-b-1', sessionId, 'tenant-b')).status));
    let accepted: Awaited<ReturnType<typeof callback>> | undefined;
    await eventually('a tenant-b callback to be accepted', async () => {
      accepted = await callback('/v1/axp/tenant-b/notifications', secretA, sessionId);
      return accepted.status === 202;
    });
    await waitFor('the push to tenant-b devices', () => delivered('tok-b-1', accepted!.event.eventId) !== undefined, 15_000);
    expect(delivered('tok-b-1', accepted!.event.eventId)?.projectId).toBe('tenant-b-project');
    // PUT again replaces: 200.
    const replaced = await admin('PUT', '/admin/api/configurations/tenant-b', { secrets: [secretA], fcm: { projectId: 'tenant-b-project', serviceAccount: account } });
    expect(replaced.status).toBe(200);
  });

  it('rotates secrets live: both verify after an add, only the new one after the old is removed', async () => {
    const sessionId = randomUUID();
    expect((await admin('POST', '/admin/api/configurations/tenant-b/secrets', { secret: secretB })).status).toBe(201);
    await eventually('the new secret to verify', async () => (await callback('/v1/axp/tenant-b/notifications', secretB, sessionId)).status === 202);
    expect((await callback('/v1/axp/tenant-b/notifications', secretA, sessionId)).status).toBe(202);
    expect((await admin('DELETE', `/admin/api/configurations/tenant-b/secrets/${fingerprint(secretA)}`)).status).toBe(204);
    await eventually('the old secret to be refused', async () => (await callback('/v1/axp/tenant-b/notifications', secretA, sessionId)).status === 401);
    expect((await callback('/v1/axp/tenant-b/notifications', secretB, sessionId)).status).toBe(202);
  });

  it("delivers a callback on the sample's path signed with a non-default configuration's secret to that configuration's devices", async () => {
    const sessionId = randomUUID();
    expect([200, 201]).toContain((await register(TEST_API_KEY, 'tok-b-2', sessionId, 'tenant-b')).status);
    const acceptedCount = async (configId: string) => {
      const metrics = await (await fetch(`${apps.ingest.url}/metrics`)).text();
      const line = metrics.split('\n').find((l) => l.startsWith('axp_push_callbacks_total{') && l.includes(`config_id="${configId}"`) && l.includes('status="202"'));
      return line ? Number(line.split(' ').at(-1)) : 0;
    };
    const countedBefore = await acceptedCount('tenant-b');
    const sent = await callback('/custom-notification-connector/axp-callback/notifications', secretB, sessionId);
    expect(sent.status).toBe(202);
    await waitFor('the push to tok-b-2', () => delivered('tok-b-2', sent.event.eventId) !== undefined, 15_000);
    expect(delivered('tok-b-2', sent.event.eventId)?.projectId).toBe('tenant-b-project');
    // Counted under the configuration that took it.
    expect(await acceptedCount('tenant-b')).toBe(countedBefore + 1);
    // The default configuration keeps its own secret on the same path.
    expect((await callback('/custom-notification-connector/axp-callback/notifications', TEST_SECRET, sessionId)).status).toBe(202);
    expect((await callback('/custom-notification-connector/axp-callback/notifications', 'no-such-secret', sessionId)).status).toBe(401);
  });

  it("limits a configuration's registration key to that configuration: 403 on another's", async () => {
    const answer = await admin('POST', '/admin/api/configurations/tenant-b/api-keys', { kind: 'server' });
    expect(answer.status).toBe(201);
    const { key, fingerprint: print } = (await answer.json()) as { key: string; fingerprint: string };
    keys.push(key);
    expect(print).toBe(fingerprint(key));
    const listed = await (await admin('GET', '/admin/api/configurations/tenant-b')).text();
    expect(listed).toContain(print);
    expect(listed).not.toContain(key);
    await eventually('the key to be known', async () => [200, 201].includes((await register(key, 'tok-b-3', randomUUID(), 'tenant-b')).status));
    expect((await register(key, 'tok-default-1', randomUUID(), 'default')).status).toBe(403);
    expect((await register(key, 'tok-default-2', randomUUID())).status).toBe(403);
    const read = await fetch(`${apps.ingest.url}/v1/registrations/tok-b-1?configId=default`, { headers: { authorization: `Bearer ${key}` } });
    expect(read.status).toBe(403);
    // The global key still reaches every configuration.
    expect([200, 201]).toContain((await register(TEST_API_KEY, 'tok-default-3', randomUUID(), 'default')).status);
  });

  it("reads, searches and deletes a token on the sample's routes in whichever configuration holds it, within the key's reach", async () => {
    const sample = `${apps.ingest.url}/custom-notification-connector/device-registrations`;
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    const json = (key: string) => ({ ...as(key), 'content-type': 'application/json' });
    const sessionId = randomUUID();
    expect([200, 201]).toContain((await register(TEST_API_KEY, 'tok-b-sample', sessionId, 'tenant-b')).status);

    const read = await fetch(`${sample}/tok-b-sample`, { headers: as(TEST_API_KEY) });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ configId: 'tenant-b', sessionId, deviceToken: 'tok-b-sample' });
    const found = await fetch(`${sample}:search`, { method: 'POST', headers: json(TEST_API_KEY), body: JSON.stringify({ sessionId }) });
    expect(found.status).toBe(200);
    expect(await found.json()).toMatchObject({ configId: 'tenant-b', sessionId, deviceToken: 'tok-b-sample' });
    // A named configuration is the only one looked in.
    expect((await fetch(`${sample}/tok-b-sample?configId=default`, { headers: as(TEST_API_KEY) })).status).toBe(404);
    const elsewhere = await fetch(`${sample}:search`, { method: 'POST', headers: json(TEST_API_KEY), body: JSON.stringify({ sessionId, configId: 'default' }) });
    expect(elsewhere.status).toBe(404);
    // tenant-b's own key reaches tenant-b's token, not the default configuration's.
    const [tenantKey] = keys;
    expect((await fetch(`${sample}/tok-b-sample`, { headers: as(tenantKey) })).status).toBe(200);
    expect((await fetch(`${sample}/tok-default-3`, { headers: as(tenantKey) })).status).toBe(404);
    expect((await fetch(`${sample}/tok-default-3?configId=default`, { headers: as(tenantKey) })).status).toBe(403);
    expect((await fetch(`${sample}/tok-default-3`, { headers: as(TEST_API_KEY) })).status).toBe(200);

    expect((await fetch(`${sample}/tok-b-sample`, { method: 'DELETE', headers: as(TEST_API_KEY) })).status).toBe(204);
    expect((await fetch(`${sample}/tok-b-sample`, { headers: as(TEST_API_KEY) })).status).toBe(404);
    expect((await fetch(`${sample}/tok-b-sample`, { method: 'DELETE', headers: as(TEST_API_KEY) })).status).toBe(404);
  });

  it("takes the sample connector's configuration bodies and answers in its shapes, without private_key", async () => {
    const sample = serviceAccount('sample-project');
    const put = await admin('PUT', '/custom-notification-connector/configs/sample-c', { fcmServiceAccountConfig: sample });
    expect(put.status).toBe(200);
    const body = (await put.json()) as { fcmServiceAccountConfig: Record<string, unknown> };
    expect(body).toEqual({ configId: 'sample-c', fcmServiceAccountConfig: expect.objectContaining({ project_id: 'sample-project', client_email: sample.client_email }) });
    expect(body.fcmServiceAccountConfig).not.toHaveProperty('private_key');
    const one = await (await admin('GET', '/custom-notification-connector/configs/sample-c')).json();
    expect(one).toEqual(body);
    const all = (await (await admin('GET', '/custom-notification-connector/configs')).json()) as Array<{ configId: string }>;
    expect(all.map((c) => c.configId).sort()).toEqual(['sample-c', 'tenant-b']);
    const posted = await admin('POST', '/custom-notification-connector/configs', { fcmServiceAccountConfig: sample });
    expect(posted.status).toBe(201);
    const { configId } = (await posted.json()) as { configId: string };
    expect((await admin('DELETE', `/custom-notification-connector/configs/${configId}`)).status).toBe(204);
    expect((await admin('GET', `/custom-notification-connector/configs/${configId}`)).status).toBe(404);
    expect((await admin('PUT', '/custom-notification-connector/configs/x', { fcmServiceAccountConfig: { client_email: 'a@b' } })).status).toBe(400);
    // Without admin credentials: 401.
    expect((await fetch(`${apps.admin.url}/custom-notification-connector/configs`)).status).toBe(401);
  });

  it('answers 400 naming the field, and 409 on the environment configuration', async () => {
    const bad = await admin('PUT', '/admin/api/configurations/tenant-x', { secrets: 'nope' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'secrets' });
    const badKey = await admin('PUT', '/admin/api/configurations/tenant-x', { secrets: ['s'], fcm: { serviceAccount: { client_email: 'a@b', private_key: 'x' } } });
    expect(await badKey.json()).toMatchObject({ field: 'fcm.serviceAccount.private_key' });
    const readOnly = await admin('PUT', '/admin/api/configurations/default', { secrets: ['s'] });
    expect(readOnly.status).toBe(409);
    expect((await admin('DELETE', '/admin/api/configurations/default')).status).toBe(409);
    const listed = (await (await admin('GET', '/admin/api/configurations')).json()) as Array<{ id: string; readOnly: boolean }>;
    expect(listed.find((c) => c.id === 'default')?.readOnly).toBe(true);
  });

  it('keeps every secret, private key and API key out of the database and the logs', async () => {
    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', db.url], { maxBuffer: 64 * 1024 * 1024 }).toString();
    expect(dump).toContain('tenant-b');
    const logs = Object.values(apps).map((a) => readFileSync(a.process.logPath, 'utf8')).join('\n');
    expect(logs).toContain('tenant-b');
    const pemBody = account.private_key.split('\n')[5];
    for (const clear of [secretA, secretB, pemBody, ...keys]) {
      expect(dump).not.toContain(clear);
      expect(logs).not.toContain(clear);
    }
  });

  it("gets a deleted configuration's callbacks a 404 within 5 s", async () => {
    expect((await admin('DELETE', '/admin/api/configurations/tenant-b')).status).toBe(204);
    await eventually('tenant-b callbacks to get 404', async () => (await callback('/v1/axp/tenant-b/notifications', secretB, randomUUID())).status === 404);
    expect((await admin('GET', '/admin/api/configurations/tenant-b')).status).toBe(404);
  });

  it('stops a replica at start, naming CONFIG_ENCRYPTION_KEY, when the key is missing, malformed or not the one the store was sealed with', async () => {
    const secretC = `c-${randomBytes(12).toString('hex')}`;
    expect((await admin('PUT', '/admin/api/configurations/tenant-c', { secrets: [secretC] })).status).toBe(201);
    const cases: Array<[string, string | undefined, RegExp]> = [
      ['missing', undefined, /CONFIG_ENCRYPTION_KEY is not set.*openssl rand -base64 32/],
      ['malformed', 'not-32-bytes', /CONFIG_ENCRYPTION_KEY.*must be 32 random bytes in base64/],
      ['another key', randomBytes(32).toString('base64'), /neither CONFIG_ENCRYPTION_KEY nor CONFIG_ENCRYPTION_KEY_PREVIOUS/],
    ];
    for (const [label, key, message] of cases) {
      const port = await freePort();
      const child = new ManagedProcess(`ingest-key-${label.replace(' ', '-')}`, process.execPath, [entry('ingest')], {
        env: { ...env, PORT: String(port), CONFIG_ENCRYPTION_KEY: key },
        logDir,
        cwd: ROOT,
      });
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([child.exited, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), 60_000)))]);
      clearTimeout(timer);
      if (!exit) await child.stop('SIGKILL');
      const log = readFileSync(child.logPath, 'utf8');
      expect({ label, exitCode: exit?.code }).toEqual({ label, exitCode: 1 });
      expect(log).toMatch(message);
      expect(log).not.toContain(secretC);
    }
    expect((await admin('DELETE', '/admin/api/configurations/tenant-c')).status).toBe(204);
  }, 200_000);
});
