import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FcmEmulator, startFcmEmulator } from '@app/fcm-emulator';
import { buildFcmMessage, EMULATOR_PROJECT_ID, FcmAppRegistry, FcmSender } from '@app/fcm';
import { Logger } from '@nestjs/common';
import { AxpConfigurationRegistry, type Env } from '@app/config';
import { testConfig } from '../../../test/support/test-config';
import { axpEvent } from '../../../test/support/axp';

/** Real firebase-admin `send()` through the registry's agent, against the project's emulator. */
describe('FCM transport (firebase-admin against the emulator)', () => {
  let emulator: FcmEmulator;
  const registries: FcmAppRegistry[] = [];

  const transport = (env: Env = {}) => {
    const config = testConfig('dispatcher', { FCM_EMULATOR_HOST: `127.0.0.1:${emulator.port}`, ...env });
    const registry = new FcmAppRegistry(config, new AxpConfigurationRegistry(config));
    registries.push(registry);
    return { registry, sender: new FcmSender(registry) };
  };
  const message = (token: string, platform: 'android' | 'ios' | 'web' = 'android') =>
    buildFcmMessage({ token, platform, event: axpEvent(), ttlSeconds: 300, ios: { title: 'T', body: 'B' } });

  beforeAll(async () => {
    Logger.overrideLogger(false);
    emulator = await startFcmEmulator();
  });
  afterAll(async () => {
    await Promise.all(registries.map((r) => r.onApplicationShutdown()));
    await emulator.close();
  });
  beforeEach(() => emulator.reset());

  it('delivers through the emulator with the emulator project and the event as data', async () => {
    const { sender, registry } = transport();
    const sent = message('tok-a');
    const result = await sender.send('default', sent);
    expect(registry.mode).toBe('emulator');
    expect(result).toEqual({ outcome: 'delivered', messageId: expect.stringMatching(`^projects/${EMULATOR_PROJECT_ID}/messages/`) });
    expect(emulator.requests).toHaveLength(1);
    expect(emulator.requests[0]).toMatchObject({ projectId: EMULATOR_PROJECT_ID, token: 'tok-a', status: 200 });
    expect(emulator.requests[0].message.data).toEqual(sent.data);
  });

  it('puts Android and iOS options on the wire as FCM v1 expects them', async () => {
    const { sender } = transport();
    await sender.send('default', message('android-tok'));
    await sender.send('default', message('ios-tok', 'ios'));
    const [android, ios] = emulator.requests.map((r) => r.message);
    expect(android.android).toEqual({ priority: 'high', ttl: '300s', collapse_key: (android.data as { conversationId: string }).conversationId });
    expect(ios.apns).toMatchObject({
      headers: { 'apns-priority': '10', 'apns-collapse-id': (ios.data as { conversationId: string }).conversationId },
      payload: { aps: { alert: { title: 'T', body: 'B' }, 'mutable-content': 1 } },
    });
  });

  it.each([
    ['unregistered', 'prune', 'messaging/registration-token-not-registered'],
    ['invalid-token', 'prune', 'messaging/invalid-argument'],
    ['sender-mismatch', 'prune', 'messaging/mismatched-credential'],
    ['invalid-payload', 'reject', 'messaging/invalid-argument'],
    ['third-party-auth', 'reject', 'messaging/third-party-auth-error'],
    ['internal', 'retry', 'messaging/internal-error'],
    ['quota', 'retry', 'messaging/message-rate-exceeded'],
  ] as const)('maps the emulator answer %s to %s (%s), with one request', async (behaviour, outcome, code) => {
    const { sender } = transport();
    emulator.setTokenBehaviour('t', behaviour);
    expect(await sender.send('default', message('t'))).toMatchObject({ outcome, code });
    expect(emulator.requests).toHaveLength(1);
  });

  it('lets the SDK itself retry a 503: two 503s then 200 is one delivered send()', async () => {
    const { sender } = transport();
    emulator.setTokenBehaviour('flaky', { outcome: 'unavailable', times: 2 });
    const started = Date.now();
    expect(await sender.send('default', message('flaky'))).toMatchObject({ outcome: 'delivered' });
    expect(emulator.requestsFor('flaky').map((r) => r.status)).toEqual([503, 503, 200]);
    // SDK back-off before its retries: 0 s, then 1 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('gives up on a lasting 503 after the SDK’s 5 requests (about 7 s), as a retry', async () => {
    const { sender } = transport();
    emulator.setTokenBehaviour('down', 'unavailable');
    const started = Date.now();
    expect(await sender.send('default', message('down'))).toMatchObject({ outcome: 'retry', code: 'messaging/server-unavailable' });
    const elapsed = Date.now() - started;
    expect(emulator.requestsFor('down')).toHaveLength(5);
    expect(elapsed).toBeGreaterThanOrEqual(6_500);
    expect(elapsed).toBeLessThan(12_000);
  }, 20_000);

  it('treats a refused connection as a retry at once (the SDK does not retry ECONNREFUSED)', async () => {
    const closed = await startFcmEmulator();
    const port = closed.port;
    await closed.close();
    const { sender } = transport({ FCM_EMULATOR_HOST: `127.0.0.1:${port}` });
    const started = Date.now();
    expect(await sender.send('default', message('t'))).toMatchObject({ outcome: 'retry', code: 'app/network-error' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('treats reset connections as a retry after the SDK’s own 4 retries', async () => {
    const { sender } = transport();
    emulator.setOutage('refuse');
    expect(await sender.send('default', message('t'))).toMatchObject({ outcome: 'retry', code: 'app/network-error' });
    expect(emulator.stats().refused).toBe(5);
  }, 20_000);

  it('reuses keep-alive connections within the socket bound', async () => {
    const { sender } = transport({ FCM_MAX_SOCKETS: '4' });
    await Promise.all(Array.from({ length: 40 }, (_, i) => sender.send('default', message(`k${i}`))));
    await Promise.all(Array.from({ length: 40 }, (_, i) => sender.send('default', message(`k${i}`))));
    expect(emulator.stats().received).toBe(80);
    expect(emulator.stats().connections).toBeLessThanOrEqual(4);
  });

  it('creates one app per configuration, each with its own project id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fcm-config-'));
    const file = join(dir, 'configurations.json');
    writeFileSync(file, JSON.stringify([{ id: 'tenant-a', secrets: ['s'], fcm: { projectId: 'tenant-a-project' } }]));
    const { sender, registry } = transport({ AXP_CONFIG_FILE: file, FCM_PROJECT_ID: 'shared-project' });
    expect(registry.projectId('default')).toBe('shared-project');
    expect(registry.projectId('tenant-a')).toBe('tenant-a-project');
    await sender.send('tenant-a', message('ta'));
    await sender.send('default', message('td'));
    expect(emulator.requests.map((r) => [r.token, r.projectId])).toEqual([
      ['ta', 'tenant-a-project'],
      ['td', 'shared-project'],
    ]);
    expect(await sender.send('unknown', message('x'))).toMatchObject({ outcome: 'reject', code: 'configuration' });
    expect(sender.knows('unknown')).toBe(false);
  });
});
