import { randomUUID } from 'node:crypto';
import type IORedis from 'ioredis';
import { JobName, NOTIFICATIONS_QUEUE, notificationJobId, notificationJobOptions } from '@app/queue';
import { DeliveryLedger } from '../src/delivery/delivery-ledger.service';
import { axpEvent } from '../../../test/support/axp';
import { tempDir } from '../../../test/support/processes';
import { RedisServer } from '../../../test/support/redis-server';
import { DispatcherHarness } from './dispatcher-harness';

/**
 * Redis state per delivered event once its retry window has passed: nothing but BullMQ's
 * count-bounded retention. On a redis-server of its own, so every key and byte counted is this test's.
 */
const EVENTS = 3_000;
const RETAINED = 100;

async function scan(redis: IORedis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0');
  return keys;
}

const keyBytes = async (redis: IORedis, keys: string[]) =>
  (await Promise.all(keys.map((k) => redis.memory('USAGE', k, 'SAMPLES', '0')))).reduce<number>((a, b) => a + Number(b ?? 0), 0);

describe('delivery ledger retention', () => {
  let server: RedisServer;
  let h: DispatcherHarness;
  let redis: IORedis;

  beforeAll(async () => {
    server = await RedisServer.start(tempDir('ledger-retention'));
    redis = server.client();
    // A 31 s retry window (1 s back-off, 6 attempts): longer than BullMQ's own 30 s stalled-check key.
    h = await DispatcherHarness.start({
      REDIS_URL: server.url,
      DISPATCH_BACKOFF_MS: '1000',
      DISPATCH_MAX_ATTEMPTS: '6',
      DELIVERY_CLAIM_TTL_MS: '2000',
      DISPATCH_CONCURRENCY: '50',
      QUEUE_COMPLETED_RETENTION_COUNT: String(RETAINED),
    });
  }, 60_000);

  afterAll(async () => {
    redis?.disconnect();
    await h?.close();
    await server?.destroy();
  });

  it('keeps an event only for its retry window plus the claim TTL, then nothing but the count-bounded job retention', async () => {
    const ledger = h.app.get(DeliveryLedger);
    expect(ledger.ttlMs).toBe(31_000 + 2_000);
    const prefix = h.config.queue.prefix;
    const events = Array.from({ length: EVENTS }, () => axpEvent());
    for (let i = 0; i < EVENTS; i += 100) {
      await Promise.all(events.slice(i, i + 100).map((e) => h.register(e.sessionId, [`retention-${randomUUID()}`])));
    }
    // One event first, so the scripts, connections and BullMQ's fixed keys exist before the baseline.
    const first = axpEvent();
    await h.register(first.sessionId, [`retention-${randomUUID()}`]);
    await h.finished(await h.enqueue(first));
    // Bytes held by every key but BullMQ's count-bounded structures (retained jobs, completed set,
    // events stream capped at 10,000 entries), before and after alike. Summed per key rather than
    // read from INFO: the allocator's and client buffers' share moves by ±100 KB between two reads.
    const bounded = (key: string) =>
      key.startsWith(`${prefix}:${NOTIFICATIONS_QUEUE}:default/`) ||
      key === `${prefix}:${NOTIFICATIONS_QUEUE}:completed` ||
      key === `${prefix}:${NOTIFICATIONS_QUEUE}:events`;
    const heldBytes = async () => keyBytes(redis, (await scan(redis, '*')).filter((key) => !bounded(key)));
    const before = await heldBytes();
    const receivedAt = new Date().toISOString();
    const options = notificationJobOptions(h.config.dispatch);
    for (let i = 0; i < EVENTS; i += 500) {
      await h.queue.addBulk(
        events.slice(i, i + 500).map((event) => ({
          name: JobName.Deliver,
          data: { configId: 'default', event, receivedAt },
          opts: { ...options, jobId: notificationJobId('default', event.eventId) },
        })),
      );
    }
    const delivered = () => h.emulator.requests.filter((r) => r.status === 200).length;
    const deadline = Date.now() + 150_000;
    while (delivered() < EVENTS + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(delivered()).toBe(EVENTS + 1);

    // Within the window every event is protected, and no key lives longer than the window.
    const held = await scan(redis, `${prefix}:ledger:*`);
    expect(held.length).toBeGreaterThan(EVENTS / 2);
    const ttls = await Promise.all(held.map((k) => redis.pttl(k)));
    expect(Math.max(...ttls)).toBeLessThanOrEqual(ledger.ttlMs);

    await new Promise((r) => setTimeout(r, ledger.ttlMs + 1_500));
    expect(await scan(redis, `${prefix}:ledger:*`)).toEqual([]);
    const all = await scan(redis, '*');
    const allTtls = await Promise.all(all.map((k) => redis.pttl(k)));
    expect(Math.max(...allTtls)).toBeLessThanOrEqual(ledger.ttlMs);

    // Per-event keys left: the completed jobs BullMQ keeps by count, nothing else.
    const jobs = await scan(redis, `${prefix}:${NOTIFICATIONS_QUEUE}:default/*`);
    expect(jobs.length).toBeLessThanOrEqual(RETAINED);
    expect(all.length).toBeLessThan(RETAINED + 20);
    // Amortised memory per event, the count-bounded structures set aside: within 20 bytes of zero.
    const perEvent = ((await heldBytes()) - before) / EVENTS;
    expect(Math.abs(perEvent)).toBeLessThanOrEqual(20);
  }, 300_000);
});
