/**
 * Fault 1: the intake's Redis dies while callbacks flow. Every callback must still get 202 (the
 * Postgres outbox takes it) within the enqueue deadline, and everything accepted must be delivered.
 */
import { sleep, waitFor } from '../support/processes';
import { CallbackLoad } from './support/callback-load';
import { awaitDelivery, report } from './support/figures';
import { type AppProcess, FaultStack, type Session } from './support/stack';

const ENQUEUE_TIMEOUT_MS = 300;
/** Time an answer may take beyond the enqueue deadline: the outbox insert, a busy 2-core machine. */
const SLACK_MS = 700;

interface Readiness {
  details?: { intake?: { status: string; mode: string } };
}

describe('fault 1: Redis outage at the intake', () => {
  let stack: FaultStack;
  let sessions: Session[];
  let ingest: AppProcess;

  const intakeMode = async () => (await ingest.json<Readiness>('/health/ready')).body.details?.intake?.mode;

  beforeAll(async () => {
    stack = await FaultStack.start('redis-outage');
    sessions = await stack.seedSessions(100);
    ingest = await stack.startIngest({ ENQUEUE_TIMEOUT_MS: String(ENQUEUE_TIMEOUT_MS) });
    await stack.startDispatcher();
  });

  afterAll(async () => {
    await stack?.destroy(process.env.FAULTS_KEEP_LOGS === '1');
  });

  it('answers 202 through the outbox while Redis is down, relays it back, and delivers everything', async () => {
    const load = new CallbackLoad(ingest.url, sessions);
    const flowing = load.run(700, 100);

    await sleep(1_500);
    await stack.redis.kill();
    const killedAt = Date.now();
    await waitFor('callbacks parked in the outbox', async () => (await stack.outboxCount()) > 0, 5_000);
    await waitFor('readiness to report degraded', async () => (await intakeMode()) === 'degraded', 5_000);
    await sleep(2_500);
    const parked = await stack.outboxCount();
    await stack.redis.start();
    const restartedAt = Date.now();
    await flowing;
    load.close();

    const duringOutage = load.sent.filter((e) => e.sentAt >= killedAt && e.sentAt < restartedAt);
    expect(load.statusCounts()).toEqual({ 202: 700 });
    expect(duringOutage.length).toBeGreaterThan(200);
    expect(load.maxMs()).toBeLessThan(ENQUEUE_TIMEOUT_MS + SLACK_MS);

    await waitFor('the relay to empty the outbox', async () => (await stack.outboxCount()) === 0, 20_000, 250);
    await waitFor('readiness back to normal', async () => (await intakeMode()) === 'normal', 10_000);
    const figures = report(
      await awaitDelivery('1a Redis killed at the intake', stack, load.sent, 60_000).then((f) => ({
        ...f,
        notes: `Redis down ${restartedAt - killedAt} ms; ${duringOutage.length} sent while down; ${parked} parked in the outbox; slowest answer ${load.maxMs()} ms (deadline ${ENQUEUE_TIMEOUT_MS} ms)`,
      })),
    );
    expect(figures.accepted).toBe(figures.sent);
    expect(figures.delivered).toBe(figures.expected);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
  });

  it('answers within the deadline through the outbox while Redis hangs (SIGSTOP), and duplicates collapse', async () => {
    const load = new CallbackLoad(ingest.url, sessions);
    const flowing = load.run(400, 100);
    await sleep(1_000);
    stack.redis.freeze();
    const frozenAt = Date.now();
    await sleep(2_000);
    const parked = await stack.outboxCount();
    stack.redis.thaw();
    const thawedAt = Date.now();
    await flowing;
    load.close();

    const duringFreeze = load.sent.filter((e) => e.sentAt >= frozenAt && e.sentAt < thawedAt);
    expect(load.statusCounts()).toEqual({ 202: 400 });
    expect(parked).toBeGreaterThan(50);
    // A hung Redis is where the deadline matters: answers wait for it, and no longer.
    expect(Math.max(...duringFreeze.map((e) => e.ms))).toBeGreaterThanOrEqual(ENQUEUE_TIMEOUT_MS);
    expect(load.maxMs()).toBeLessThan(ENQUEUE_TIMEOUT_MS + SLACK_MS);
    await waitFor('the relay to empty the outbox', async () => (await stack.outboxCount()) === 0, 20_000, 250);
    const figures = report(
      await awaitDelivery('1b Redis hangs (SIGSTOP)', stack, load.sent, 60_000).then((f) => ({
        ...f,
        notes: `Redis frozen ${thawedAt - frozenAt} ms; ${parked} parked in the outbox (some also reached Redis once it woke: same job id); slowest answer ${load.maxMs()} ms (deadline ${ENQUEUE_TIMEOUT_MS} ms)`,
      })),
    );
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
  });

  it('answers 500 within bounded time when Redis and Postgres are both down, then recovers', async () => {
    await Promise.all([stack.redis.kill(), stack.postgres.kill()]);
    await waitFor('readiness to report refusing', async () => (await ingest.status('/health/ready', 5_000)) === 503, 10_000);
    const refused = new CallbackLoad(ingest.url, sessions);
    await refused.run(40, 20);
    refused.close();
    expect(refused.statusCounts()).toEqual({ 500: 40 });
    // Bounded: the enqueue deadline, then an outbox write that fails on a refused connection.
    expect(refused.maxMs()).toBeLessThan(ENQUEUE_TIMEOUT_MS + 3_000 + SLACK_MS);

    await Promise.all([stack.redis.start(), stack.postgres.start()]);
    await waitFor('readiness to recover', async () => (await intakeMode()) === 'normal', 15_000);
    const load = new CallbackLoad(ingest.url, sessions);
    await load.run(200, 100);
    load.close();
    const sent = [...refused.sent, ...load.sent];
    const figures = report(
      await awaitDelivery('1c Redis and Postgres down', stack, sent, 60_000).then((f) => ({
        ...f,
        notes: `${refused.sent.length} refused with 500 in at most ${refused.maxMs()} ms while both were down; ${load.sent.length} sent after recovery`,
      })),
    );
    expect(figures.accepted).toBe(load.sent.length);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
  });
});
