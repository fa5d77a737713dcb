import IORedis from 'ioredis';
import { DeliveryLedger } from '../src/delivery/delivery-ledger.service';
import { axpEvent } from '../../../test/support/axp';
import { TEST_REDIS_URL } from '../../../test/support/test-config';
import { DispatcherHarness } from './dispatcher-harness';

/**
 * Retries: only transient failures, only the tokens that failed, never a second push to a delivered
 * token. firebase-admin retries a 503 itself (4 times, ~7 s): our job retry starts after that.
 */
describe('dispatcher retries (DISPATCH_MAX_ATTEMPTS=3, DISPATCH_BACKOFF_MS=10)', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start();
  });
  afterAll(() => h.close());
  beforeEach(() => h.emulator.reset());

  const statuses = (token: string) => h.emulator.requestsFor(token).map((r) => r.status);

  it('retries only the tokens that failed transiently, across a session of several devices', async () => {
    const event = axpEvent();
    h.emulator.setTokenBehaviour('p-ok', 'ok');
    h.emulator.setTokenBehaviour('p-internal', { outcome: 'internal', times: 1 });
    h.emulator.setTokenBehaviour('p-quota', { outcome: 'quota', times: 2 });
    h.emulator.setTokenBehaviour('p-dead', 'unregistered');
    await h.register(event.sessionId, ['p-ok', 'p-internal', 'p-quota', 'p-dead']);
    const { state, job } = await h.finished(await h.enqueue(event));
    expect(state).toBe('completed');
    expect(job.attemptsMade).toBe(3);
    expect(statuses('p-ok')).toEqual([200]);
    expect(statuses('p-internal')).toEqual([500, 200]);
    expect(statuses('p-quota')).toEqual([429, 429, 200]);
    expect(statuses('p-dead')).toEqual([404]);
    expect(job.returnvalue).toEqual({ outcome: 'delivered', devices: 1, delivered: 1, alreadyDelivered: 0, pruned: 0 });
    expect(await h.registrations.findLiveTokens('default', event.sessionId)).toHaveLength(3);
    expect(await h.deadLetterEntries()).toEqual([]);
  });

  it('delivers a token that fails twice with 503 (the SDK retries it) and duplicates nothing', async () => {
    const event = axpEvent();
    h.emulator.setTokenBehaviour('s-flaky', { outcome: 'unavailable', times: 2 });
    await h.register(event.sessionId, ['s-flaky', 's-steady']);
    const { state, job } = await h.finished(await h.enqueue(event));
    expect(state).toBe('completed');
    expect(statuses('s-flaky')).toEqual([503, 503, 200]);
    expect(statuses('s-steady')).toEqual([200]);
    expect(job.attemptsMade).toBe(1);
  });

  it('retries a job whose 503s outlast the SDK’s own retries, on a later attempt, without duplicates', async () => {
    const event = axpEvent();
    h.emulator.setTokenBehaviour('l-flaky', { outcome: 'unavailable', times: 6 });
    await h.register(event.sessionId, ['l-flaky', 'l-steady']);
    const { state, job } = await h.finished(await h.enqueue(event), 30_000);
    expect(state).toBe('completed');
    expect(job.attemptsMade).toBe(2);
    expect(statuses('l-flaky')).toEqual([503, 503, 503, 503, 503, 503, 200]);
    expect(statuses('l-steady')).toEqual([200]);
  }, 40_000);

  it('dead-letters a token that always fails after the configured attempts; the others get one push', async () => {
    const event = axpEvent();
    h.emulator.setTokenBehaviour('x-broken', 'internal');
    await h.register(event.sessionId, ['x-broken', 'x-fine']);
    const jobId = await h.enqueue(event);
    const { state, job } = await h.finished(jobId);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(3);
    expect(job.failedReason).toMatch(/^exhausted: /);
    expect(statuses('x-broken')).toEqual([500, 500, 500]);
    expect(statuses('x-fine')).toEqual([200]);
    const entries = (await h.deadLetterEntries()).filter((e) => e.event.eventId === event.eventId);
    expect(entries).toEqual([
      expect.objectContaining({
        reason: 'exhausted',
        attempts: 3,
        sourceJobId: jobId,
        event,
        undeliveredTokens: ['x-broken'],
        lastError: expect.stringContaining('messaging/internal-error'),
      }),
    ]);
  });

  it('waits for a token claimed by an interrupted send without spending an attempt', async () => {
    const event = axpEvent();
    await h.register(event.sessionId, ['c-claimed']);
    const redis = new IORedis(TEST_REDIS_URL);
    try {
      const ledger = h.app.get(DeliveryLedger);
      const [key, field] = [ledger.key('default', event.eventId), ledger.field('c-claimed')];
      await redis.hset(key, field, `crashed-worker/${Date.now() + 400}`);
      await redis.pexpire(key, ledger.ttlMs);
      const started = Date.now();
      const { state, job } = await h.finished(await h.enqueue(event));
      expect(state).toBe('completed');
      expect(job.attemptsMade).toBe(1);
      expect(statuses('c-claimed')).toEqual([200]);
      expect(h.emulator.requests[0].at - started).toBeGreaterThanOrEqual(350);
      expect(await redis.hget(key, field)).toBe('d');
    } finally {
      redis.disconnect();
    }
  });
});
