/**
 * The sample connector's request shapes and hostile signed ids against the built, running ingest and
 * dispatcher (own Redis, Postgres and FCM emulator): each gets a clear answer, each accepted event an
 * outcome, and the ingest keeps serving.
 */
import { randomUUID } from 'node:crypto';
import { signAxpEvent } from '@app/axp';
import { NOTIFICATIONS_QUEUE, notificationJobId } from '@app/queue';
import { TEST_API_KEY, TEST_SECRET } from '../support/test-config';
import { waitFor } from '../support/processes';
import { type AppProcess, FaultStack } from '../faults/support/stack';

jest.setTimeout(180_000);

describe('AXP and sample shapes against the running stack', () => {
  let stack: FaultStack;
  let ingest: AppProcess;
  const token = `shape-${randomUUID()}`;
  const sessionId = `session ${randomUUID()} é/+&`;

  beforeAll(async () => {
    stack = await FaultStack.start('shapes', { REGISTRATION_RATE_LIMIT: '1000' });
    ingest = await stack.startIngest();
    await stack.startDispatcher();
  });

  afterAll(async () => {
    await stack?.destroy();
  });

  const callback = (event: Record<string, unknown>, path = '/custom-notification-connector/axp-callback/notifications') =>
    fetch(`${ingest.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hmac': signAxpEvent(TEST_SECRET, String(event.eventId), String(event.sessionId)) },
      body: JSON.stringify(event),
    });

  /** The job's outcome: its returned result, or the dead-letter reason it failed with. */
  const outcome = (eventId: string) =>
    waitFor(`the outcome of ${eventId.slice(0, 40)}`, async () => {
      const queue = stack.queue(NOTIFICATIONS_QUEUE);
      try {
        const job = await queue.getJob(notificationJobId('default', eventId));
        return job?.finishedOn !== undefined;
      } finally {
        await queue.close();
      }
    }, 30_000).then(async () => {
      const queue = stack.queue(NOTIFICATIONS_QUEUE);
      try {
        const job = await queue.getJob(notificationJobId('default', eventId));
        return (job?.returnvalue as { outcome?: string } | undefined)?.outcome ?? `failed: ${job?.failedReason}`;
      } finally {
        await queue.close();
      }
    });

  it('registers from a form-encoded body on the sample route: 200 with the sample shape', async () => {
    const res = await fetch(`${ingest.url}/custom-notification-connector/device-registrations/${token}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ configId: 'default', sessionId }).toString(),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ configId: 'default', sessionId, deviceToken: token });
  });

  it("delivers the sample README's event: unpadded eventDate, numeric and boolean extras as strings", async () => {
    const now = new Date();
    // As the sample README writes it: 2024-3-13T20:25:39.734Z, nothing padded.
    const unpadded = `${now.getUTCFullYear()}-${now.getUTCMonth() + 1}-${now.getUTCDate()}T${now.getUTCHours()}:${now.getUTCMinutes()}:${now.getUTCSeconds()}.${String(now.getUTCMilliseconds()).padStart(3, '0')}Z`;
    const event = { eventId: randomUUID(), sessionId, conversationId: randomUUID(), customerId: 'c-1', eventDate: unpadded, retries: 3, vip: true };
    const res = await callback(event);
    expect(res.status).toBe(202);
    expect(await outcome(event.eventId)).toBe('delivered');
    const [sent] = await stack.emulator.requests({ token });
    expect(sent.message.data).toMatchObject({ eventId: event.eventId, retries: '3', vip: 'true', eventDate: now.toISOString() });
  });

  it('answers hostile signed ids clearly, gives each accepted one an outcome, and keeps serving', async () => {
    const surrogate = await callback({ eventId: '\ud800x', sessionId });
    expect(surrogate.status).toBe(400);
    expect(await surrogate.json()).toMatchObject({ field: 'eventId' });

    const nul = { eventId: randomUUID(), sessionId: 's\u0000:/%' };
    expect((await callback(nul)).status).toBe(202);
    expect(await outcome(nul.eventId)).toBe('no-device');

    const long = { eventId: 'e'.repeat(10 * 1024), sessionId };
    expect((await callback(long)).status).toBe(202);
    // its eventId alone is over FCM's 4 KB: dead-lettered with the reason, never sent
    expect(await outcome(long.eventId)).toMatch(/payload-too-large/);

    for (const configId of ['%ED%A0%80x', 's%00%3A%2F%25', 'e'.repeat(10 * 1024)]) {
      const res = await callback({ eventId: randomUUID(), sessionId }, `/v1/axp/${configId}/notifications`);
      expect([400, 404, 414]).toContain(res.status);
    }
    for (const bad of ['\ud800x', 's\u0000:/%', 'e'.repeat(10 * 1024)]) {
      const res = await fetch(`${ingest.url}/custom-notification-connector/device-registrations/${token}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({ configId: 'default', sessionId: bad }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ field: 'sessionId' });
    }
    expect(ingest.alive).toBe(true);
    const after = { eventId: randomUUID(), sessionId };
    expect((await callback(after)).status).toBe(202);
    expect(await outcome(after.eventId)).toBe('delivered');
  });
});
