/**
 * Fault 4: FCM refuses connections, then answers 503, for longer than several back-off steps. Jobs
 * back off and everything is delivered once it recovers; only a job that used every attempt is dead-lettered.
 */
import { DEAD_LETTER_QUEUE, type DeadLetterJobData } from '@app/queue';
import { sleep } from '../support/processes';
import { CallbackLoad } from './support/callback-load';
import { awaitDelivery, report } from './support/figures';
import { type AppProcess, FaultStack, type Session } from './support/stack';

const BACKOFF_MS = 250;
const MAX_ATTEMPTS = 8;
const REFUSE_MS = 6_000;
const UNAVAILABLE_MS = 6_000;

describe('fault 4: FCM outage', () => {
  let stack: FaultStack;
  let ingest: AppProcess;
  let sessions: Session[];
  let doomed: Session[];

  beforeAll(async () => {
    stack = await FaultStack.start('fcm-outage', { DISPATCH_BACKOFF_MS: String(BACKOFF_MS), DISPATCH_MAX_ATTEMPTS: String(MAX_ATTEMPTS) });
    sessions = await stack.seedSessions(100);
    // A token that fails every attempt (500 INTERNAL): the one job that must end in the dead-letter queue.
    doomed = await stack.seedSessions(1);
    await stack.emulator.setToken(doomed[0].tokens[0], { outcome: 'internal' });
    ingest = await stack.startIngest();
    await stack.startDispatcher();
  });

  afterAll(async () => {
    await stack?.destroy(process.env.FAULTS_KEEP_LOGS === '1');
  });

  it('delivers everything after FCM refuses and then answers 503 for 12 s, within the retry budget', async () => {
    const control = new CallbackLoad(ingest.url, doomed);
    await control.run(1, 1);
    control.close();
    const load = new CallbackLoad(ingest.url, sessions);
    const flowing = load.run(300, 50);
    await sleep(1_000);
    await stack.emulator.setOutage('refuse');
    const outageAt = Date.now();
    await sleep(REFUSE_MS);
    await stack.emulator.setOutage('503');
    await sleep(UNAVAILABLE_MS);
    await stack.emulator.setOutage(null);
    const outageMs = Date.now() - outageAt;
    await flowing;
    load.close();

    const stats = await stack.emulator.stats();
    expect(stats.refused).toBeGreaterThan(0);
    expect(stats.byStatus['503']).toBeGreaterThan(0);
    const figures = await awaitDelivery('4 FCM outage (refuse, then 503)', stack, load.sent, 120_000);

    const deadLetters = stack.queue<DeadLetterJobData>(DEAD_LETTER_QUEUE);
    let entries: DeadLetterJobData[];
    try {
      entries = (await deadLetters.getJobs(['wait', 'completed', 'failed', 'delayed'])).map((j) => j.data);
    } finally {
      await deadLetters.close();
    }
    const mostAttempts = await stack.mostAttemptsOfCompleted();
    report({
      ...figures,
      notes: `delivered jobs used up to ${mostAttempts} attempts; FCM down ${outageMs} ms (${stats.refused} connections refused, ${stats.byStatus['503']} answers 503); back-off ${BACKOFF_MS} ms x2^n, ${MAX_ATTEMPTS} attempts; dead-lettered: ${entries.length} (the always-failing control job, after ${entries[0]?.attempts} attempts)`,
    });
    expect(figures.accepted).toBe(300);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
    // Nothing dead-lettered that did not use every attempt: only the control job, exhausted.
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ reason: 'exhausted', attempts: MAX_ATTEMPTS });
    expect(entries[0].event.eventId).toBe(control.sent[0].eventId);
    expect(await stack.jobCounts()).toMatchObject({ failed: 1, completed: 300 });
    expect(mostAttempts).toBeGreaterThan(1);
    expect(mostAttempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
  });
});
