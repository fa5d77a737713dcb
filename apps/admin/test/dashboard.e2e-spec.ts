import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE, notificationJobId } from '@app/queue';
import { testConfig } from '../../../test/support/test-config';
import { createAdminApp } from '../src/admin.app';
import { type AdminTestApp, basicAuth, bootAdmin, parked, waitFor, writeDeadLetter } from './admin-test-app';

const API = '/admin/queues/api';

interface ListedJob {
  id: string;
  data: unknown;
  failedReason?: string;
  attempts: number;
  stacktrace: string[];
}

describe('Queue dashboard (real Redis, bull-board over Fastify)', () => {
  let t: AdminTestApp;

  beforeAll(async () => {
    t = await bootAdmin();
  });

  afterAll(async () => {
    await t.close();
  });

  const get = (url: string, headers: Record<string, string> = basicAuth()) =>
    t.app.inject({ method: 'GET', url, headers });

  describe('basic auth', () => {
    it.each([
      '/admin/queues',
      '/admin/queues/',
      `${API}/queues`,
      '/admin/queues/queue/axp-notifications',
      '/admin/anything',
      '/no-such-route',
      // Spellings the router decodes to a dashboard route must not get around the check.
      '/%61dmin/queues',
      '/%61dmin/queues/api/queues',
      `/admin/queues/static/../api/queues`,
      '/health/../admin/queues/api/queues',
    ])(
      'refuses %s without credentials, with a Basic challenge',
      async (url) => {
        const res = await get(url, {});
        expect(res.statusCode).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
        expect(res.body).not.toMatch(/axp-notifications/);
      },
    );

    it.each([
      ['a wrong password', basicAuth('admin', 'wrong')],
      ['a wrong user', basicAuth('root', 'admin-password')],
      ['another scheme', { authorization: 'Bearer admin-password' }],
    ])('refuses %s', async (_label, headers) => {
      const res = await get(`${API}/queues`, headers);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it('refuses a percent-encoded path to the admin API', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/adm%69n/api/dead-letter/replay',
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      });
      expect(res.statusCode).toBe(401);
    });

    it('leaves probes and metrics open for the platform', async () => {
      expect((await get('/health/live', {})).statusCode).toBe(200);
      expect((await get('/health/ready', {})).statusCode).toBe(200);
      expect((await get('/metrics', {})).statusCode).toBe(200);
    });

    it('refuses to build without credentials', async () => {
      expect(() => testConfig('admin', { ADMIN_PASSWORD: undefined })).toThrow(/ADMIN_PASSWORD/);
      const config = testConfig('admin');
      await expect(createAdminApp({ ...config, admin: {} })).rejects.toThrow(/ADMIN_USERNAME/);
    });
  });

  it('serves the UI and its static assets with credentials, and only with them', async () => {
    const page = await get('/admin/queues');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('<base href="/admin/queues/"');
    const assets = [...page.body.matchAll(/(?:src|href)="(static\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const res = await get(`/admin/queues/${asset}`);
      expect(res.statusCode).toBe(200);
      expect(res.body.length).toBeGreaterThan(100);
      expect((await get(`/admin/queues/${asset}`, {})).statusCode).toBe(401);
    }
  });

  it('lists both queues through its API', async () => {
    const res = await get(`${API}/queues`);
    expect(res.statusCode).toBe(200);
    const names = (res.json() as { queues: Array<{ name: string }> }).queues.map((q) => q.name);
    expect(names).toEqual(expect.arrayContaining([NOTIFICATIONS_QUEUE, DEAD_LETTER_QUEUE]));
  });

  it('shows a dead-lettered job under Failed with its data, reason and attempts', async () => {
    const job = await writeDeadLetter(t.deadLetter, { reason: 'exhausted', attempts: 8, lastError: 'messaging/internal-error' });
    await parked(t.deadLetter, job.id!);

    const res = await get(`${API}/queues?activeQueue=${DEAD_LETTER_QUEUE}&status=failed&page=1&jobsPerPage=50`);
    const dlq = (res.json() as { queues: Array<{ name: string; counts: Record<string, number>; jobs: ListedJob[] }> }).queues.find(
      (q) => q.name === DEAD_LETTER_QUEUE,
    )!;
    expect(dlq.counts.failed).toBeGreaterThanOrEqual(1);
    const listed = dlq.jobs.find((j) => j.id === job.id)!;
    expect(listed).toMatchObject({
      data: { configId: 'default', event: job.data.event, reason: 'exhausted', attempts: 8 },
      failedReason: 'exhausted after 8 attempts: messaging/internal-error',
      attempts: 1,
    });
    expect(listed.stacktrace.join('\n')).toContain(`from job ${job.data.sourceJobId} after 8 attempt(s)`);

    const single = await get(`${API}/queues/${DEAD_LETTER_QUEUE}/${encodeURIComponent(job.id!)}`);
    expect(single.statusCode).toBe(200);
    expect(single.json()).toMatchObject({ status: 'failed', job: { id: job.id, failedReason: expect.stringContaining('internal-error') } });
  });

  it("replays an entry through the dashboard's Retry: the event is back on the main queue under its own id", async () => {
    const job = await writeDeadLetter(t.deadLetter);
    await parked(t.deadLetter, job.id!);
    const expectedId = notificationJobId(job.data.configId, job.data.event.eventId);
    expect(await t.notifications.getJob(expectedId)).toBeUndefined();

    const retry = await t.app.inject({
      method: 'PUT',
      url: `${API}/queues/${DEAD_LETTER_QUEUE}/${encodeURIComponent(job.id!)}/retry`,
      headers: basicAuth(),
    });
    expect(retry.statusCode).toBe(204);

    const replayed = await waitFor('the replayed job', () => t.notifications.getJob(expectedId));
    expect(replayed.data).toMatchObject({ configId: job.data.configId, event: job.data.event });
    expect(replayed.data).not.toHaveProperty('reason');
    expect(replayed.opts.attempts).toBe(t.config.dispatch.maxAttempts);
    await waitFor('the entry to be marked replayed', async () => (await t.deadLetter.getJobState(job.id!)) === 'completed');
    const entry = await t.deadLetter.getJob(job.id!);
    expect(entry?.returnvalue).toEqual({ replayedAs: expectedId, outcome: 'queued' });

    // The dashboard then shows it as completed (replayed), no longer among the failed entries.
    const failed = await get(`${API}/queues?activeQueue=${DEAD_LETTER_QUEUE}&status=failed&page=1&jobsPerPage=50`);
    const ids = (failed.json() as { queues: Array<{ name: string; jobs: Array<{ id: string }> }> }).queues
      .find((q) => q.name === DEAD_LETTER_QUEUE)!
      .jobs.map((j) => j.id);
    expect(ids).not.toContain(job.id);
  });

  it('refuses the dashboard API without credentials for actions too', async () => {
    const job = await writeDeadLetter(t.deadLetter);
    await parked(t.deadLetter, job.id!);
    const res = await t.app.inject({ method: 'PUT', url: `${API}/queues/${DEAD_LETTER_QUEUE}/${encodeURIComponent(job.id!)}/retry` });
    expect(res.statusCode).toBe(401);
    expect(await t.deadLetter.getJobState(job.id!)).toBe('failed');
  });
});
