import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Queue } from 'bullmq';
import { DEAD_LETTER_QUEUE, type DeadLetterJobData } from '@app/queue';
import { createAdminApp } from '../src/admin.app';
import { DispatcherHarness } from '../../dispatcher/test/dispatcher-harness';
import { axpEvent } from '../../../test/support/axp';
import { testConfig } from '../../../test/support/test-config';
import { basicAuth, waitFor } from './admin-test-app';

/**
 * Issue 5's promise on replays, checked with the real dispatcher, firebase-admin and the FCM
 * emulator: a replayed event reaches the device that missed it and never the ones that got it.
 */
describe('dead-letter replay through the real dispatcher', () => {
  let h: DispatcherHarness;
  let admin: NestFastifyApplication;
  let deadLetter: Queue<DeadLetterJobData>;

  beforeAll(async () => {
    h = await DispatcherHarness.start();
    admin = await createAdminApp(
      testConfig('admin', {
        QUEUE_PREFIX: h.config.queue.prefix,
        DATABASE_URL: h.config.database.url,
        DISPATCH_MAX_ATTEMPTS: '3',
        DISPATCH_BACKOFF_MS: '10',
      }),
    );
    await admin.init();
    await admin.getHttpAdapter().getInstance().ready();
    deadLetter = admin.get(getQueueToken(DEAD_LETTER_QUEUE));
  });

  afterAll(async () => {
    await admin.close();
    await h.close();
  });

  beforeEach(() => h.emulator.reset());

  const statuses = (token: string) => h.emulator.requestsFor(token).map((r) => r.status);
  const post = (url: string, body: object) =>
    admin.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...basicAuth() },
      payload: JSON.stringify(body),
    });

  /** Delivers to one good and one failing device until the event is dead-lettered and parked. */
  async function deadLettered(prefix: string) {
    const event = axpEvent();
    h.emulator.setTokenBehaviour(`${prefix}-flaky`, 'internal');
    await h.register(event.sessionId, [`${prefix}-fine`, `${prefix}-flaky`]);
    const jobId = await h.enqueue(event);
    expect((await h.finished(jobId)).state).toBe('failed');
    const entry = await waitFor('the parked entry', async () =>
      (await deadLetter.getJobs(['failed'])).find((j) => j.data.event?.eventId === event.eventId),
    );
    expect(statuses(`${prefix}-fine`)).toEqual([200]);
    expect(statuses(`${prefix}-flaky`)).toEqual([500, 500, 500]);
    h.emulator.setTokenBehaviour(`${prefix}-flaky`, null);
    return { event, jobId, entryId: entry.id! };
  }

  async function settled(jobId: string, prefix: string) {
    await waitFor('the replayed push', async () => statuses(`${prefix}-flaky`).includes(200));
    expect((await h.finished(jobId)).state).toBe('completed');
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  it('replayed from the API, the event reaches only the device that missed it', async () => {
    const { event, jobId, entryId } = await deadLettered('api');
    const res = await post('/admin/api/dead-letter/replay', { ids: [entryId] });
    expect(res.json()).toEqual({ replayed: 1, unknown: [], skipped: [] });
    await settled(jobId, 'api');

    expect(statuses('api-fine')).toEqual([200]);
    expect(statuses('api-flaky')).toEqual([500, 500, 500, 200]);
    expect(h.emulator.requestsFor('api-flaky').at(-1)!.message.data).toEqual(event);
  });

  it("replayed with the dashboard's Retry, the same holds", async () => {
    const { event, jobId, entryId } = await deadLettered('board');
    const retry = await admin.inject({
      method: 'PUT',
      url: `/admin/queues/api/queues/${DEAD_LETTER_QUEUE}/${encodeURIComponent(entryId)}/retry`,
      headers: basicAuth(),
    });
    expect(retry.statusCode).toBe(204);
    await settled(jobId, 'board');

    expect(statuses('board-fine')).toEqual([200]);
    expect(statuses('board-flaky')).toEqual([500, 500, 500, 200]);
    expect(h.emulator.requestsFor('board-flaky').at(-1)!.message.data).toEqual(event);
    expect((await deadLetter.getJob(entryId))?.returnvalue).toEqual({ replayedAs: jobId, outcome: 'queued' });
  });

  it('a test push reaches every device of the session, marked as a test', async () => {
    const sessionId = `test-push-${Date.now()}`;
    await h.register(sessionId, ['tp-one', 'tp-two']);
    const res = await post('/admin/api/test-push', { sessionId });
    expect(res.statusCode).toBe(202);
    expect(res.json().tokens).toBe(2);
    const requests = await h.emulator.waitForRequests(2, 10_000);
    expect(requests.map((r) => r.token).sort()).toEqual(['tp-one', 'tp-two']);
    for (const request of requests) {
      expect(request.message.data).toMatchObject({ eventId: res.json().eventId, sessionId, customerId: 'axp-push-test' });
    }
  });
});
