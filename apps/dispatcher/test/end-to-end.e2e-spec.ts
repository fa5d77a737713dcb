import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createIngestApp } from '../../ingest/src/ingest.app';
import { testConfig } from '../../../test/support/test-config';
import { axpEvent, signatureFor } from '../../../test/support/axp';
import { DispatcherHarness } from './dispatcher-harness';

/** The real ingest writing into the dispatcher harness's queue and database. */
async function startStack(): Promise<{ h: DispatcherHarness; ingest: NestFastifyApplication }> {
  const h = await DispatcherHarness.start();
  const ingest = await createIngestApp(
    testConfig('ingest', { QUEUE_PREFIX: h.config.queue.prefix, DATABASE_URL: h.config.database.url }),
  );
  await ingest.init();
  await ingest.getHttpAdapter().getInstance().ready();
  return { h, ingest };
}

/** Issue 4's acceptance path: a signed AXP callback at the real ingest ends as FCM requests at the emulator. */
describe('AXP callback to FCM, end to end (ingest + dispatcher + emulator)', () => {
  let h: DispatcherHarness;
  let ingest: NestFastifyApplication;

  beforeAll(async () => {
    ({ h, ingest } = await startStack());
  });
  afterAll(async () => {
    await ingest.close();
    await h.close();
  });
  beforeEach(() => h.emulator.reset());

  const callback = (body: object, signature: string) =>
    ingest.inject({
      method: 'POST',
      url: '/custom-notification-connector/axp-callback/notifications',
      headers: { 'content-type': 'application/json', 'x-hmac': signature },
      payload: JSON.stringify(body),
    });

  it('turns one signed event for a session with two devices into exactly two FCM requests carrying the event', async () => {
    // The seed document's example body, with fresh ids and a current eventDate.
    const event = axpEvent();
    await h.register(event.sessionId, ['e2e-android', { token: 'e2e-iphone', platform: 'ios' }]);
    const answer = await callback(event, signatureFor(event));
    expect(answer.statusCode).toBe(202);

    const requests = await h.emulator.waitForRequests(2, 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(h.emulator.requests).toHaveLength(2);
    expect(requests.map((r) => r.token).sort()).toEqual(['e2e-android', 'e2e-iphone']);
    for (const request of requests) {
      expect(request.status).toBe(200);
      expect(request.message.data).toEqual(event);
    }
  });

  it('removes a device the emulator reports unregistered, and pushes nothing for a refused signature', async () => {
    const event = axpEvent();
    await h.register(event.sessionId, ['unregistered-e2e-phone']);
    expect((await callback(event, signatureFor(event, 'wrong-secret'))).statusCode).toBe(401);
    expect((await callback(event, signatureFor(event))).statusCode).toBe(202);
    await h.emulator.waitForRequests(1, 10_000);
    const deadline = Date.now() + 5_000;
    while ((await h.registrations.findLiveTokens('default', event.sessionId)).length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(await h.registrations.findLiveTokens('default', event.sessionId)).toEqual([]);
    expect(h.emulator.requests).toHaveLength(1);
  });
});

describe('metrics and logs along the way', () => {
  let h: DispatcherHarness;
  let ingest: NestFastifyApplication;

  beforeAll(async () => {
    ({ h, ingest } = await startStack());
  });
  afterAll(async () => {
    await ingest.close();
    await h.close();
  });

  const metric = (text: string, name: string): number =>
    text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

  it('counts callbacks by status at the ingest, and outcomes and FCM sends at the dispatcher', async () => {
    const event = axpEvent();
    await h.register(event.sessionId, ['metrics-phone', 'unregistered-metrics-phone']);
    const post = (signature: string) =>
      ingest.inject({
        method: 'POST',
        url: '/v1/axp/default/notifications',
        headers: { 'content-type': 'application/json', 'x-hmac': signature },
        payload: JSON.stringify(event),
      });
    expect((await post(signatureFor(event))).statusCode).toBe(202);
    expect((await post('0'.repeat(64))).statusCode).toBe(401);
    await h.emulator.waitForRequests(2, 10_000);

    const ingestMetrics = (await ingest.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metric(ingestMetrics, 'axp_push_callbacks_total{config_id="default",status="202"}')).toBe(1);
    expect(metric(ingestMetrics, 'axp_push_callbacks_total{config_id="default",status="401"}')).toBe(1);
    expect(metric(ingestMetrics, 'axp_push_enqueue_duration_seconds_count')).toBe(1);

    const deadline = Date.now() + 5_000;
    let text = '';
    while (Date.now() < deadline) {
      text = (await h.app.inject({ method: 'GET', url: '/metrics' })).body;
      if (metric(text, 'axp_push_jobs_total{outcome="delivered"}') >= 1) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(metric(text, 'axp_push_jobs_total{outcome="delivered"}')).toBe(1);
    expect(metric(text, 'axp_push_fcm_send_duration_seconds_count')).toBe(2);
    expect(metric(text, 'axp_push_fcm_errors_total{code="messaging/registration-token-not-registered"}')).toBe(1);
  });
});
