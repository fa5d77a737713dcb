/**
 * Fault 2: the dispatcher dies with SIGKILL mid-batch, loses its Redis for longer than its blocking
 * timeout, and stops making progress while jobs wait. Nothing accepted may be lost; readiness must tell.
 */
import { sleep, waitFor } from '../support/processes';
import { CallbackLoad } from './support/callback-load';
import { awaitDelivery, report } from './support/figures';
import { type AppProcess, FaultStack, type Session } from './support/stack';

const LATENCY_MS = 1_500;
/** BullMQ's default lock (30 s) and stalled check (30 s) plus the ledger's claim TTL (90 s) bound recovery. */
const RECOVERY_TIMEOUT_MS = 170_000;

interface Readiness {
  details?: Record<string, { status: string; waiting?: number; message?: string }>;
}

describe('fault 2: worker faults', () => {
  let stack: FaultStack;
  let sessions: Session[];
  let ingest: AppProcess;
  let survivor: AppProcess;

  const readiness = async (app: AppProcess) => {
    const { status, body } = await app.json<Readiness>('/health/ready', 5_000);
    return { status, details: body.details ?? {} };
  };

  beforeAll(async () => {
    stack = await FaultStack.start('worker-faults');
    sessions = await stack.seedSessions(150, 2);
    ingest = await stack.startIngest();
  });

  afterAll(async () => {
    await stack?.destroy(process.env.FAULTS_KEEP_LOGS === '1');
  });

  it('takes over the jobs of a dispatcher killed mid-batch (SIGKILL) and delivers every one', async () => {
    const victim = await stack.startDispatcher();
    await stack.emulator.setDefault({ outcome: 'ok', latencyMs: LATENCY_MS });
    const load = new CallbackLoad(ingest.url, sessions);
    await load.run(300, 150);
    load.close();
    expect(load.statusCounts()).toEqual({ 202: 300 });

    await waitFor('the first deliveries', async () => (await stack.emulator.stats()).received >= 100, 30_000, 50);
    const killedAt = Date.now();
    await victim.stop('SIGKILL');
    const received = await stack.emulator.requests({ status: 200 });
    // Sends FCM took whose 'delivered' mark the victim never wrote: the at-least-once window at the crash.
    const inFlight = await stack.sendsStillClaimed(received);
    await stack.emulator.setDefault(null);
    survivor = await stack.startDispatcher({ DISPATCH_CONCURRENCY: '4', DISPATCH_STALL_TIMEOUT_MS: '3000' });

    const figures = await awaitDelivery('2a dispatcher SIGKILL mid-batch', stack, load.sent, RECOVERY_TIMEOUT_MS);
    report({
      ...figures,
      notes: `${received.length} sends reached FCM before the kill, ${inFlight} of them not yet marked delivered in the ledger; recovered in ${Math.round((Date.now() - killedAt) / 1000)} s; re-sends = duplicated`,
    });
    expect(await stack.jobCounts()).toMatchObject({ completed: 300, failed: 0, active: 0, wait: 0, delayed: 0 });
    expect(figures.accepted).toBe(300);
    expect(figures.lost).toBe(0);
    expect(figures.delivered).toBe(figures.expected);
    // Only sends caught in flight by the crash may be repeated, never those marked delivered.
    expect(inFlight).toBeGreaterThan(0);
    expect(figures.duplicated).toBeLessThanOrEqual(inFlight);
  });

  it('resumes consuming after Redis was gone longer than the blocking timeout', async () => {
    await stack.redis.kill();
    const downAt = Date.now();
    await waitFor('dispatcher readiness to fail', async () => (await readiness(survivor)).status === 503, 10_000);
    await sleep(Math.max(0, 9_000 - (Date.now() - downAt)));
    await stack.redis.start();
    const downMs = Date.now() - downAt;
    await waitFor('dispatcher readiness to recover', async () => (await readiness(survivor)).status === 200, 20_000, 250);

    const load = new CallbackLoad(ingest.url, sessions);
    await load.run(100, 100);
    load.close();
    const figures = report({
      ...(await awaitDelivery('2b Redis gone > worker blocking timeout', stack, load.sent, 30_000)),
      notes: `Redis down ${downMs} ms (BullMQ blocks 5 s per fetch); new jobs after it came back were all taken`,
    });
    expect(figures.accepted).toBe(100);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
  });

  it('reports not ready while jobs wait and the worker takes none, and ready again once it moves', async () => {
    await stack.emulator.setDefault({ outcome: 'ok', latencyMs: 8_000 });
    const load = new CallbackLoad(ingest.url, sessions);
    await load.run(40, 200);
    load.close();
    // 4 slots held by sends that hang: 36 jobs wait, nothing starts or finishes.
    let stalled: Readiness['details'] = {};
    await waitFor('readiness to detect the stall', async () => {
      const r = await readiness(survivor);
      stalled = r.details;
      return r.status === 503 && r.details.progress?.status === 'down';
    }, 10_000, 250);
    const detectedIn = Date.now() - load.sent[0].sentAt;
    expect(stalled?.redis?.status).toBe('up');
    expect(stalled?.worker?.status).toBe('up'); // isRunning() alone would call this worker healthy
    await stack.emulator.setDefault(null);
    await waitFor('readiness to recover', async () => (await readiness(survivor)).status === 200, 20_000, 250);

    const figures = report({
      ...(await awaitDelivery('2c stalled worker detected by readiness', stack, load.sent, 60_000)),
      notes: `not ready ${detectedIn} ms after jobs started waiting (stall timeout 3 s, ${stalled?.progress?.waiting} waiting); ready again once sends moved`,
    });
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
  });
});
