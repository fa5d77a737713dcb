import { type ConnectionOptions, type Job, UnrecoverableError, Worker } from 'bullmq';
import { RegistrationRepository } from '@app/persistence';
import { JobName, notificationJobId, notificationJobOptions, redisOptions } from '@app/queue';
import { axpEvent } from '../../../test/support/axp';
import { type AdminTestApp, basicAuth, bootAdmin, parked, waitFor, writeDeadLetter } from './admin-test-app';

const REPLAY = '/admin/api/dead-letter/replay';
const TEST_PUSH = '/admin/api/test-push';

describe('Admin API (real Redis and Postgres)', () => {
  let t: AdminTestApp;

  beforeAll(async () => {
    t = await bootAdmin({ AXP_CONFIG_ID: 'tenant-a' });
  });

  afterAll(async () => {
    await t.close();
  });

  const post = (url: string, body: unknown, headers: Record<string, string> = basicAuth()) =>
    t.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify(body),
    });

  describe('POST /admin/api/dead-letter/replay', () => {
    it('replays entries whose event ids hold a lone surrogate, NUL and separators, or 10 KB, and answers hostile request ids', async () => {
      const events = [axpEvent({ eventId: '\ud800x' }), axpEvent({ sessionId: 's\u0000:/%' }), axpEvent({ eventId: 'e'.repeat(10 * 1024) })];
      const entries = [];
      for (const event of events) {
        const entry = await writeDeadLetter(t.deadLetter, { configId: 'tenant-a', event });
        await parked(t.deadLetter, entry.id!);
        entries.push(entry);
      }
      const res = await post(REPLAY, { ids: [...entries.map((e) => e.id), '\ud800x', 's\u0000:/%'] });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ replayed: 3, unknown: ['\ud800x', 's\u0000:/%'], skipped: [] });
      for (const event of events) {
        expect((await t.notifications.getJob(notificationJobId('tenant-a', event.eventId)))?.data.event).toEqual(event);
      }
      const tooLong = await post(REPLAY, { ids: ['e'.repeat(10 * 1024)] });
      expect(tooLong.statusCode).toBe(400);
      // a test push to such a session is a 400 naming the field, not a store error
      const push = await post(TEST_PUSH, { sessionId: 's\u0000:/%' });
      expect(push.statusCode).toBe(400);
      expect(JSON.stringify(push.json())).toContain('sessionId');
    });

    it('puts the listed entries back on the main queue with their eventId, removes them, and reports unknown ids', async () => {
      const parkedEntry = await writeDeadLetter(t.deadLetter, { configId: 'tenant-a' });
      await parked(t.deadLetter, parkedEntry.id!);
      const res = await post(REPLAY, { ids: [parkedEntry.id, 'no-such-entry'] });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ replayed: 1, unknown: ['no-such-entry'], skipped: [] });

      const replayed = await t.notifications.getJob(notificationJobId('tenant-a', parkedEntry.data.event.eventId));
      expect(replayed?.name).toBe(JobName.Deliver);
      expect(replayed?.data).toEqual({
        configId: 'tenant-a',
        event: parkedEntry.data.event,
        receivedAt: parkedEntry.data.receivedAt,
        // A replay sends only to the devices the entry had not reached.
        pendingTokens: parkedEntry.data.undeliveredTokens,
        replayedAt: expect.any(String),
      });
      // The dispatcher counts an event's age from replayedAt: a replay is not expired on arrival.
      expect(Date.now() - Date.parse(replayed!.data.replayedAt!)).toBeLessThan(10_000);
      expect(await t.deadLetter.getJob(parkedEntry.id!)).toBeUndefined();

      const again = await post(REPLAY, { ids: [parkedEntry.id] });
      expect(again.json()).toEqual({ replayed: 0, unknown: [parkedEntry.id], skipped: [] });
      const jobs = await t.notifications.getJobs(['wait', 'delayed', 'prioritized']);
      expect(jobs.filter((j) => j.data.event.eventId === parkedEntry.data.event.eventId)).toHaveLength(1);
    });

    it('replaces a finished job of the same event, so the replay is not swallowed by its job id', async () => {
      const event = axpEvent();
      const jobId = notificationJobId('tenant-a', event.eventId);
      await t.notifications.add(
        JobName.Deliver,
        { configId: 'tenant-a', event, receivedAt: new Date().toISOString() },
        { ...notificationJobOptions(t.config.dispatch), jobId },
      );
      const failing = new Worker(
        t.notifications.name,
        async (job: Job) => {
          throw new UnrecoverableError(`gave up on ${job.id}`);
        },
        { connection: redisOptions(t.config.redis, 'worker') as ConnectionOptions, prefix: t.config.queue.prefix },
      );
      try {
        await waitFor('the original job to fail', async () => (await t.notifications.getJobState(jobId)) === 'failed');
      } finally {
        await failing.close();
      }
      const entry = await writeDeadLetter(t.deadLetter, { configId: 'tenant-a', event, sourceJobId: jobId });

      const res = await post(REPLAY, { ids: [entry.id] });
      expect(res.json()).toMatchObject({ replayed: 1 });
      expect(await t.notifications.getJobState(jobId)).toBe('waiting');
      expect((await t.notifications.getJob(jobId))?.attemptsMade).toBe(0);
    });

    it('does not add a second job while the event is still queued', async () => {
      const entry = await writeDeadLetter(t.deadLetter, { configId: 'tenant-a' });
      const jobId = notificationJobId('tenant-a', entry.data.event.eventId);
      await t.notifications.add(JobName.Deliver, { configId: 'tenant-a', event: entry.data.event, receivedAt: 'x' }, { jobId });
      expect((await post(REPLAY, { ids: [entry.id] })).json()).toMatchObject({ replayed: 1 });
      expect((await t.notifications.getJob(jobId))?.data.receivedAt).toBe('x');
    });

    it('replays every pending entry when no ids are given', async () => {
      const entries = await Promise.all([1, 2, 3].map(() => writeDeadLetter(t.deadLetter, { configId: 'tenant-a' })));
      // Parked or still waiting, never caught while the worker parks it: every entry is pending.
      await Promise.all(entries.map((entry) => parked(t.deadLetter, entry.id!)));
      const res = await post(REPLAY, {});
      expect(res.statusCode).toBe(200);
      expect(res.json().replayed).toBeGreaterThanOrEqual(3);
      for (const entry of entries) {
        expect(await t.notifications.getJob(notificationJobId('tenant-a', entry.data.event.eventId))).toBeDefined();
      }
      const left = await t.deadLetter.getJobCounts('wait', 'failed', 'delayed', 'prioritized');
      expect(Object.values(left).reduce((a, b) => a + b, 0)).toBe(0);
      expect((await post(REPLAY, {})).json()).toEqual({ replayed: 0, unknown: [], skipped: [] });
    });

    it('skips an entry the dashboard already replayed', async () => {
      const entry = await writeDeadLetter(t.deadLetter, { configId: 'tenant-a' });
      await parked(t.deadLetter, entry.id!);
      await entry.retry('failed');
      await waitFor('the dashboard replay', async () => (await t.deadLetter.getJobState(entry.id!)) === 'completed');
      expect((await post(REPLAY, { ids: [entry.id] })).json()).toEqual({
        replayed: 0,
        unknown: [],
        skipped: [{ id: entry.id, reason: 'already replayed' }],
      });
    });

    it('leaves alone, and says why, an entry that is not a dead-letter entry', async () => {
      const junk = await t.deadLetter.add('added-by-hand', { note: 'no event here' } as never);
      await parked(t.deadLetter, junk.id!);
      expect((await t.deadLetter.getJob(junk.id!))?.failedReason).toMatch(/not a dead-letter entry/);
      const res = await post(REPLAY, { ids: [junk.id] });
      expect(res.json()).toEqual({
        replayed: 0,
        unknown: [],
        skipped: [{ id: junk.id, reason: 'not a dead-letter entry (no configId or event)' }],
      });
      expect(await t.deadLetter.getJobState(junk.id!)).toBe('failed');
      await junk.remove();
    });

    it.each([
      [{ ids: 'all' }, 'ids'],
      [{ ids: [42] }, 'ids'],
      [{ ids: [''] }, 'ids'],
      [{ ids: [], extra: true }, 'extra'],
    ])('answers 400 naming the field for %j', async (body, field) => {
      const res = await post(REPLAY, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ field, message: expect.stringContaining(field) });
    });

    it('answers 400 for a body that is not an object', async () => {
      expect((await post(REPLAY, ['x'])).statusCode).toBe(400);
      expect((await post(REPLAY, 'x')).statusCode).toBe(400);
    });

    it('answers 401 without credentials', async () => {
      expect((await post(REPLAY, {}, {})).statusCode).toBe(401);
    });
  });

  describe('POST /admin/api/test-push', () => {
    it('enqueues a synthetic event marked as a test and counts the live tokens of the session', async () => {
      const registrations = t.app.get(RegistrationRepository);
      const sessionId = `session-${Date.now()}`;
      await registrations.upsert({ configId: 'tenant-a', deviceToken: `tok-1-${sessionId}`, sessionId });
      await registrations.upsert({ configId: 'tenant-a', deviceToken: `tok-2-${sessionId}`, sessionId, platform: 'ios' });
      await registrations.upsert({ configId: 'tenant-a', deviceToken: `tok-3-${sessionId}`, sessionId: 'another' });

      const res = await post(TEST_PUSH, { sessionId });
      expect(res.statusCode).toBe(202);
      const body = res.json() as { eventId: string; jobId: string; tokens: number };
      expect(body.tokens).toBe(2);
      expect(body.jobId).toBe(notificationJobId('tenant-a', body.eventId));
      const job = await t.notifications.getJob(body.jobId);
      expect(job?.data).toMatchObject({
        configId: 'tenant-a',
        test: true,
        event: { eventId: body.eventId, sessionId, customerId: 'axp-push-test', conversationId: expect.stringMatching(/^test-/) },
      });
      expect(job?.opts.attempts).toBe(t.config.dispatch.maxAttempts);
    });

    it('reports zero tokens for a session without devices, and still enqueues', async () => {
      const res = await post(TEST_PUSH, { configId: 'tenant-a', sessionId: 'nobody' });
      expect(res.statusCode).toBe(202);
      expect(res.json().tokens).toBe(0);
      expect(await t.notifications.getJob(res.json().jobId)).toBeDefined();
    });

    it('answers 404 for an unknown configId', async () => {
      const res = await post(TEST_PUSH, { configId: 'unknown', sessionId: 's' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ message: 'configId [unknown] not found' });
    });

    it.each([
      [{}, 'sessionId'],
      [{ sessionId: '' }, 'sessionId'],
      [{ sessionId: 7 }, 'sessionId'],
      [{ sessionId: 's', configId: 'a b' }, 'configId'],
      [{ sessionId: 's', token: 'x' }, 'token'],
    ])('answers 400 naming the field for %j', async (body, field) => {
      const res = await post(TEST_PUSH, body);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ field, message: expect.stringContaining(field) });
    });

    it('answers 401 without credentials', async () => {
      expect((await post(TEST_PUSH, { sessionId: 's' }, basicAuth('admin', 'nope'))).statusCode).toBe(401);
    });
  });
});
