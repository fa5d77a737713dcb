import IORedis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { DeadLetterWriter } from '../src/delivery/dead-letter.writer';
import { DeliveryLedger } from '../src/delivery/delivery-ledger.service';
import { axpEvent } from '../../../test/support/axp';
import { TEST_REDIS_URL } from '../../../test/support/test-config';
import { DispatcherHarness } from './dispatcher-harness';

/** Every per-job outcome, against real Redis, Postgres and firebase-admin talking to the emulator. */
describe('dispatcher delivery outcomes', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start();
  });
  afterAll(() => h.close());
  beforeEach(() => h.emulator.reset());

  const liveTokens = (sessionId: string) =>
    h.registrations.findLiveTokens('default', sessionId).then((rows) => rows.map((r) => r.deviceToken).sort());

  it('sends every registered device of the session one push whose data is the AXP event', async () => {
    const event = axpEvent({ channel: 'chat' });
    await h.register(event.sessionId, ['phone-1', { token: 'tablet-1', platform: 'android' }]);
    const { state, job } = await h.finished(await h.enqueue(event));
    expect(state).toBe('completed');
    expect(job.returnvalue).toEqual({ outcome: 'delivered', devices: 2, delivered: 2, alreadyDelivered: 0, pruned: 0 });
    expect(h.emulator.requests.map((r) => r.token).sort()).toEqual(['phone-1', 'tablet-1']);
    for (const request of h.emulator.requests) expect(request.message.data).toEqual(event);
    expect(await h.deadLetterEntries()).toEqual([]);
  });

  it('completes with no-device when the session has no registration, without retrying or dead-lettering', async () => {
    const { state, job } = await h.finished(await h.enqueue());
    expect(state).toBe('completed');
    expect(job.returnvalue).toMatchObject({ outcome: 'no-device', devices: 0 });
    expect(job.attemptsMade).toBe(1);
    expect(h.emulator.requests).toHaveLength(0);
    expect(await h.deadLetterEntries()).toEqual([]);
  });

  it('deletes the registrations FCM calls dead and still delivers to the others', async () => {
    const event = axpEvent();
    const [gone, bad, mismatch] = ['gone', 'bad', 'mismatch'].map((t) => `${t}-${randomUUID()}`);
    h.emulator.setTokenBehaviour(gone, 'unregistered');
    h.emulator.setTokenBehaviour(bad, 'invalid-token');
    h.emulator.setTokenBehaviour(mismatch, 'sender-mismatch');
    await h.register(event.sessionId, ['alive', gone, bad, mismatch]);
    expect(await liveTokens(event.sessionId)).toHaveLength(4);
    const { state, job } = await h.finished(await h.enqueue(event));
    expect(state).toBe('completed');
    expect(job.returnvalue).toEqual({ outcome: 'delivered', devices: 4, delivered: 1, alreadyDelivered: 0, pruned: 3 });
    expect(await liveTokens(event.sessionId)).toEqual(['alive']);
    expect(h.emulator.requests).toHaveLength(4);
  });

  it("reports 'pruned' when every device of the session is dead", async () => {
    const event = axpEvent();
    await h.register(event.sessionId, [`unregistered-${randomUUID()}`]);
    const { state, job } = await h.finished(await h.enqueue(event));
    expect(state).toBe('completed');
    expect(job.returnvalue).toMatchObject({ outcome: 'pruned', pruned: 1, delivered: 0 });
    expect(await liveTokens(event.sessionId)).toEqual([]);
  });

  it.each([
    ['third-party-auth', 'messaging/third-party-auth-error'],
    ['invalid-payload', 'messaging/invalid-argument'],
  ] as const)('dead-letters at once, unretried, when FCM answers %s', async (behaviour, code) => {
    const event = axpEvent();
    const token = `t-${randomUUID()}`;
    h.emulator.setTokenBehaviour(token, behaviour);
    await h.register(event.sessionId, [token]);
    const jobId = await h.enqueue(event);
    const { state, job } = await h.finished(jobId);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/^rejected: /);
    expect(h.emulator.requests).toHaveLength(1);
    const entries = (await h.deadLetterEntries()).filter((e) => e.event.eventId === event.eventId);
    expect(entries).toEqual([
      expect.objectContaining({
        configId: 'default',
        event,
        reason: 'rejected',
        attempts: 1,
        sourceJobId: jobId,
        undeliveredTokens: [token],
        lastError: expect.stringContaining(code),
      }),
    ]);
    expect(await liveTokens(event.sessionId)).toEqual([token]);
  });

  it('dead-letters an expired event without sending it', async () => {
    const event = axpEvent({ eventDate: new Date(Date.now() - 16 * 60_000).toISOString() });
    await h.register(event.sessionId, ['late-device']);
    const { state, job } = await h.finished(await h.enqueue(event));
    expect(state).toBe('completed');
    expect(job.returnvalue).toMatchObject({ outcome: 'expired' });
    expect(h.emulator.requests).toHaveLength(0);
    const [entry] = (await h.deadLetterEntries()).filter((e) => e.event.eventId === event.eventId);
    expect(entry).toMatchObject({ reason: 'expired', attempts: 1, lastError: expect.stringMatching(/9\d\d s old \(counted from eventDate\)/) });
  });

  it('sends a replayed event again even when its eventDate is old', async () => {
    const event = axpEvent({ eventDate: new Date(Date.now() - 3_600_000).toISOString() });
    await h.register(event.sessionId, ['replayed-device']);
    const { state } = await h.finished(await h.enqueue(event, { replayedAt: new Date().toISOString() }));
    expect(state).toBe('completed');
    expect(h.emulator.requestsFor('replayed-device')).toHaveLength(1);
  });

  it('dead-letters an event whose push would exceed 4096 bytes, before sending', async () => {
    const event = axpEvent({ transcript: 'x'.repeat(4_000) });
    await h.register(event.sessionId, ['big-device']);
    const { state, job } = await h.finished(await h.enqueue(event));
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(h.emulator.requests).toHaveLength(0);
    const [entry] = (await h.deadLetterEntries()).filter((e) => e.event.eventId === event.eventId);
    expect(entry).toMatchObject({ reason: 'payload-too-large', undeliveredTokens: ['big-device'], lastError: expect.stringMatching(/4096-byte/) });
  });

  it('dead-letters a job of a configuration this dispatcher does not know', async () => {
    const event = axpEvent();
    const { state } = await h.finished(await h.enqueue(event, { configId: 'elsewhere' }));
    expect(state).toBe('failed');
    const [entry] = (await h.deadLetterEntries()).filter((e) => e.event.eventId === event.eventId);
    expect(entry).toMatchObject({ reason: 'configuration', configId: 'elsewhere' });
  });

  it('gives iOS and Android registrations their own message shape', async () => {
    const event = axpEvent();
    await h.register(event.sessionId, [
      { token: 'an-iphone', platform: 'ios' },
      { token: 'an-android', platform: 'android' },
    ]);
    await h.finished(await h.enqueue(event));
    const ios = h.emulator.requestsFor('an-iphone')[0].message;
    const android = h.emulator.requestsFor('an-android')[0].message;
    expect(ios.data).toEqual(event);
    expect(ios.apns).toEqual({
      headers: {
        'apns-priority': '10',
        'apns-push-type': 'alert',
        'apns-collapse-id': event.conversationId,
        'apns-expiration': expect.stringMatching(/^\d+$/),
      },
      payload: { aps: { alert: { title: 'New message', body: 'You have a new message.' }, 'mutable-content': 1 } },
    });
    expect(ios.android).toBeUndefined();
    expect(android.data).toEqual(event);
    expect(android.android).toEqual({ priority: 'high', ttl: '86400s', collapse_key: event.conversationId });
    expect(android.apns).toBeUndefined();
  });

  it('never re-sends to a delivered token when the event comes back (replay), but reaches new devices', async () => {
    const event = axpEvent();
    await h.register(event.sessionId, ['first-device']);
    const jobId = await h.enqueue(event);
    await h.finished(jobId);
    await h.queue.remove(jobId);
    await h.register(event.sessionId, ['second-device']);
    const { state, job } = await h.finished(await h.enqueue(event));
    expect(state).toBe('completed');
    expect(job.returnvalue).toMatchObject({ delivered: 1, alreadyDelivered: 1 });
    expect(h.emulator.requestsFor('first-device')).toHaveLength(1);
    expect(h.emulator.requestsFor('second-device')).toHaveLength(1);
  });

  it('keeps raw tokens out of the ledger keys', async () => {
    const event = axpEvent();
    const token = `secret-token-${randomUUID()}`;
    await h.register(event.sessionId, [token]);
    await h.finished(await h.enqueue(event));
    const redis = new IORedis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${h.config.queue.prefix}:ledger:*`);
      const mine = keys.filter((k) => k.includes(event.eventId));
      expect(mine).toHaveLength(1);
      expect(mine[0]).not.toContain(token);
      expect(Object.keys(await redis.hgetall(mine[0])).join()).not.toContain(token);
      expect(Object.values(await redis.hgetall(mine[0]))).toEqual(['d']);
      // Kept for the event's retry window plus the claim TTL, and not longer.
      const ledger = h.app.get(DeliveryLedger);
      expect(await redis.pttl(mine[0])).toBeGreaterThan(ledger.ttlMs - 5_000);
      expect(await redis.pttl(mine[0])).toBeLessThanOrEqual(ledger.ttlMs);
    } finally {
      redis.disconnect();
    }
  });

  it('writes a dead-letter entry once even when asked twice for the same job', async () => {
    const event = axpEvent();
    const jobId = await h.enqueue(event, { configId: 'nowhere' });
    expect((await h.finished(jobId)).state).toBe('failed');
    const job = (await h.queue.getJob(jobId))!;
    const writer = h.app.get(DeadLetterWriter);
    await writer.write(job, { reason: 'rejected', lastError: 'again' });
    await writer.write(job, { reason: 'rejected', lastError: 'and again' });
    const entries = (await h.deadLetterEntries()).filter((e) => e.event.eventId === event.eventId);
    expect(entries).toHaveLength(1);
    expect(DeadLetterWriter.entryId(job)).not.toContain(':');
  });
});
