import { axpEvent } from '../../../test/support/axp';
import { DispatcherHarness } from './dispatcher-harness';

/**
 * An idle queue still empties: BullMQ trims finished jobs only when later ones finish, so the
 * dispatcher's clean-up removes completed jobs and dead-letter entries past their age.
 */
describe('queue clean-up of an idle queue', () => {
  let h: DispatcherHarness;

  beforeAll(async () => {
    h = await DispatcherHarness.start({
      QUEUE_COMPLETED_RETENTION_SECONDS: '2',
      QUEUE_FAILED_RETENTION_SECONDS: '2',
      DEAD_LETTER_RETENTION_DAYS: '0.00003', // ≈ 3 s
      QUEUE_CLEAN_INTERVAL_SECONDS: '1',
      DISPATCH_MAX_ATTEMPTS: '1',
    });
  });

  afterAll(() => h.close());

  it('removes completed jobs, failed jobs and dead-letter entries once their retention has passed', async () => {
    const delivered = axpEvent();
    await h.register(delivered.sessionId, ['janitor-ok']);
    const failing = axpEvent();
    await h.register(failing.sessionId, ['janitor-broken']);
    h.emulator.setTokenBehaviour('janitor-broken', { outcome: 'internal' });
    expect((await h.finished(await h.enqueue(delivered))).state).toBe('completed');
    expect((await h.finished(await h.enqueue(failing))).state).toBe('failed');
    expect(await h.deadLetterEntries()).toHaveLength(1);

    // Nothing else happens on the queue: only the dispatcher's timer can remove them.
    const deadline = Date.now() + 10_000;
    let counts = { completed: 1, failed: 1, entries: 1 };
    while (Date.now() < deadline && counts.completed + counts.failed + counts.entries > 0) {
      await new Promise((r) => setTimeout(r, 250));
      const jobs = await h.queue.getJobCounts('completed', 'failed');
      counts = { completed: jobs.completed, failed: jobs.failed, entries: (await h.deadLetterEntries()).length };
    }
    expect(counts).toEqual({ completed: 0, failed: 0, entries: 0 });
  });
});
