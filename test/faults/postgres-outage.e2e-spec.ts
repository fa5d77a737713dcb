/**
 * Fault 5: Postgres goes away (killed, then hung). Callbacks keep being accepted through Redis, the
 * dispatcher retries its token lookups until Postgres is back, the registration API answers 503 in bounded time.
 */
import { TEST_API_KEY } from '../support/test-config';
import { sleep } from '../support/processes';
import { CallbackLoad } from './support/callback-load';
import { awaitDelivery, report } from './support/figures';
import { type AppProcess, FaultStack, type Session } from './support/stack';

/** The pool's connect timeout (3 s) plus a busy machine. */
const REGISTRATION_BOUND_MS = 4_000;

interface Answer {
  status: number;
  ms: number;
  message?: string;
}

describe('fault 5: Postgres outage', () => {
  let stack: FaultStack;
  let ingest: AppProcess;
  let sessions: Session[];

  /** One call to each kind of registration route, timed. */
  const registrationCalls = async (): Promise<Record<string, Answer>> => {
    const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
      const started = Date.now();
      const response = await fetch(`${ingest.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${TEST_API_KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      const message = text ? (JSON.parse(text) as { message?: string }).message : undefined;
      return { status: response.status, ms: Date.now() - started, message };
    };
    const token = `fault-pg-token-${Date.now()}`;
    const [put, get, session, sample] = await Promise.all([
      call('PUT', `/v1/registrations/${token}`, { sessionId: 'fault-pg-session' }),
      call('GET', `/v1/registrations/${token}-other`),
      call('GET', '/v1/sessions/fault-pg-session/registrations'),
      call('PUT', `/custom-notification-connector/device-registrations/${token}-s`, { configId: 'default', sessionId: 's' }),
    ]);
    return { put, get, session, sample };
  };

  const expectUnavailable = (answers: Record<string, Answer>) => {
    for (const [route, answer] of Object.entries(answers)) {
      expect({ route, status: answer.status }).toEqual({ route, status: 503 });
      expect(answer.message).toMatch(/unavailable/);
      expect(answer.ms).toBeLessThan(REGISTRATION_BOUND_MS);
    }
  };

  beforeAll(async () => {
    // Retry budget: 500 ms x (1 + 2 + ... + 64), jittered down to half: 32-64 s, well over the outages below.
    stack = await FaultStack.start('postgres-outage', { DISPATCH_BACKOFF_MS: '500' });
    sessions = await stack.seedSessions(100);
    ingest = await stack.startIngest();
    await stack.startDispatcher();
  });

  afterAll(async () => {
    await stack?.destroy(process.env.FAULTS_KEEP_LOGS === '1');
  });

  it('keeps accepting callbacks, retries lookups until Postgres is back, and the registration API answers 503', async () => {
    await stack.postgres.kill();
    const downAt = Date.now();
    const load = new CallbackLoad(ingest.url, sessions);
    const flowing = load.run(300, 100);
    const unavailable = await registrationCalls();
    await flowing;
    load.close();
    expect(load.statusCounts()).toEqual({ 202: 300 });
    expectUnavailable(unavailable);
    await sleep(Math.max(0, 8_000 - (Date.now() - downAt)));
    await stack.postgres.start();
    const downMs = Date.now() - downAt;

    const figures = await awaitDelivery('5a Postgres killed', stack, load.sent, 90_000);
    const mostAttempts = await stack.mostAttemptsOfCompleted();
    const slowest = Math.max(...Object.values(unavailable).map((a) => a.ms));
    report({
      ...figures,
      notes: `Postgres down ${downMs} ms; callbacks answered in at most ${load.maxMs()} ms; jobs needed up to ${mostAttempts} attempts; registration API 503 in at most ${slowest} ms`,
    });
    expect(figures.accepted).toBe(300);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
    expect(mostAttempts).toBeGreaterThan(1);
    expect(await stack.jobCounts()).toMatchObject({ failed: 0, completed: 300 });
    expect((await registrationCalls()).put.status).toBe(201);
  });

  it('answers 503 in bounded time while Postgres hangs (SIGSTOP), and delivers once it wakes', async () => {
    stack.postgres.freeze();
    const frozenAt = Date.now();
    const load = new CallbackLoad(ingest.url, sessions);
    const flowing = load.run(200, 100);
    const hung = await registrationCalls();
    await flowing;
    load.close();
    expect(load.statusCounts()).toEqual({ 202: 200 });
    await sleep(Math.max(0, 8_000 - (Date.now() - frozenAt)));
    stack.postgres.thaw();
    const frozenMs = Date.now() - frozenAt;

    const figures = await awaitDelivery('5b Postgres hangs (SIGSTOP)', stack, load.sent, 90_000);
    const times = Object.entries(hung).map(([route, a]) => `${route} ${a.status} in ${a.ms} ms`).join(', ');
    report({ ...figures, notes: `Postgres frozen ${frozenMs} ms; callbacks answered in at most ${load.maxMs()} ms; registration API: ${times}` });
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
    // A hung database must not hang the API: 503 within the pool's 3 s connection/statement timeouts.
    for (const answer of Object.values(hung)) {
      expect(answer.status).toBe(503);
      expect(answer.ms).toBeLessThan(REGISTRATION_BOUND_MS);
    }
  });
});
