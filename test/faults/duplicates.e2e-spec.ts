/**
 * Fault 3: our own retries and replays must never push a token twice; only a crash between FCM
 * accepting a send and the ledger recording it may, and this scenario measures how often that is.
 */
import { NOTIFICATIONS_QUEUE } from '@app/queue';
import { CallbackLoad } from './support/callback-load';
import { awaitDelivery, countFigures, report } from './support/figures';
import { type AppProcess, FaultStack, type Session } from './support/stack';
import { sleep } from '../support/processes';

/** Recovery of a killed worker's jobs: lock (30 s) + stalled check (30 s) + the ledger's claim TTL (90 s). */
const RECOVERY_TIMEOUT_MS = 170_000;

describe('fault 3: duplicates from our own retries', () => {
  let stack: FaultStack;
  let ingest: AppProcess;
  let dispatcher: AppProcess;
  let sessions: Session[];
  let firstRound: CallbackLoad;

  beforeAll(async () => {
    stack = await FaultStack.start('duplicates');
    sessions = await stack.seedSessions(60, 3);
    ingest = await stack.startIngest();
    dispatcher = await stack.startDispatcher();
  });

  afterAll(async () => {
    await stack?.destroy(process.env.FAULTS_KEEP_LOGS === '1');
  });

  it('retries only the tokens that failed: delivered tokens never get the push twice', async () => {
    const flaky: Array<[string, string, number]> = [];
    for (const [i, s] of sessions.entries()) {
      if (i < 20) flaky.push([s.tokens[2], 'internal', 2]); // 500: our retry, twice
      else if (i < 30) flaky.push([s.tokens[1], 'quota', 1]); // 429: our retry
      else if (i < 40) flaky.push([s.tokens[0], 'unavailable', 1]); // 503: the SDK's own retry
    }
    await Promise.all(flaky.map(([token, outcome, times]) => stack.emulator.setToken(token, { outcome, times })));
    firstRound = new CallbackLoad(ingest.url, sessions);
    await firstRound.run(60, 60);
    firstRound.close();

    const figures = await awaitDelivery('3a retries of partly failed sends', stack, firstRound.sent, 60_000);
    const failedAnswers = (await stack.emulator.requests()).filter((r) => r.status !== 200).length;
    report({ ...figures, notes: `${flaky.length} of 180 tokens failed 1-2 times first (${failedAnswers} failed answers), the others were delivered at once` });
    expect(failedAnswers).toBe(20 * 2 + 10 + 10);
    expect(figures.accepted).toBe(60);
    expect(figures.lost).toBe(0);
    expect(figures.duplicated).toBe(0);
  });

  it('skips delivered tokens when the same events are queued again (replay)', async () => {
    const queue = stack.queue(NOTIFICATIONS_QUEUE);
    try {
      // Without the completed jobs their job ids no longer collapse a repeat: only the ledger stands in the way.
      await queue.clean(0, 10_000, 'completed');
      expect(await queue.getJobCountByTypes('completed')).toBe(0);
      const replay = new CallbackLoad(ingest.url, sessions);
      const answers = await replay.resend(firstRound.sent);
      replay.close();
      expect(answers.every((a) => a.status === 202)).toBe(true);
      await stack.quiet(30_000);
      const replayed = await queue.getJobs(['completed'], 0, 100);
      expect(replayed).toHaveLength(60);
      expect(replayed.every((j) => j.returnvalue?.alreadyDelivered === 3 && j.returnvalue?.delivered === 0)).toBe(true);
    } finally {
      await queue.close();
    }
    const figures = countFigures('3b replay of delivered events', firstRound.sent, await stack.emulator.requests({ status: 200 }));
    report({ ...figures, sent: 120, accepted: 120, notes: '60 events sent twice (all 202), their completed jobs removed in between; 180 tokens skipped by the ledger' });
    expect(figures.duplicated).toBe(0);
  });

  it('measures the at-least-once window: a dispatcher killed while sending', async () => {
    await stack.emulator.reset();
    const singles = await stack.seedSessions(200, 1);
    const second = await stack.startDispatcher();
    const load = new CallbackLoad(ingest.url, singles);
    const flowing = load.run(2_000, 400);
    await sleep(2_500);
    await dispatcher.stop('SIGKILL');
    const killedAt = Date.now();
    await flowing;
    load.close();
    await sleep(2_000); // the survivor settles its own sends; the victim's claims stay
    const inFlight = await stack.sendsStillClaimed(await stack.emulator.requests({ status: 200 }));

    const figures = await awaitDelivery('3c at-least-once window (SIGKILL while sending)', stack, load.sent, RECOVERY_TIMEOUT_MS);
    report({
      ...figures,
      notes: `one of two dispatchers SIGKILLed under 400 callbacks/s: ${inFlight} sends FCM took were never marked delivered; re-sends = duplicated; settled ${Math.round((Date.now() - killedAt) / 1000)} s after the kill`,
    });
    expect(second.alive).toBe(true);
    expect(figures.accepted).toBe(2_000);
    expect(figures.lost).toBe(0);
    // At most the killed worker's sends in flight (bounded by its concurrency, 200 by default, x 1 token).
    expect(figures.duplicated).toBeLessThanOrEqual(inFlight);
    expect(inFlight).toBeLessThanOrEqual(200);
  });
});
