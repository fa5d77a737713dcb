import { deadLetterJob, deadLetterSummary, isDeadLetterJobData, replayJob } from './dead-letter';
import type { DeadLetterJobData } from './notification-job';
import { DEAD_LETTER_JOB_OPTIONS, JobName, notificationJobId } from './queue.constants';

const entry: DeadLetterJobData = {
  configId: 'tenant/a',
  event: {
    eventId: 'e:1',
    conversationId: 'c',
    customerId: 'cu',
    sessionId: 's',
    eventDate: '2024-03-18T11:00:24.481Z',
    channel: 'chat',
  },
  receivedAt: '2024-03-18T11:00:25.000Z',
  replayedAt: '2024-03-18T12:00:00.000Z',
  pendingTokens: ['t1'],
  reason: 'exhausted',
  lastError: 'messaging/server-unavailable',
  attempts: 8,
  sourceJobId: 'tenant%2Fa/e%3A1',
  deadLetteredAt: '2024-03-18T11:20:00.000Z',
  undeliveredTokens: ['t1'],
};

describe('dead-letter entries', () => {
  it('are written as plain dead-letter jobs with the retention of the contract', () => {
    expect(deadLetterJob(entry)).toEqual({ name: JobName.DeadLetter, data: entry, opts: DEAD_LETTER_JOB_OPTIONS });
  });

  it('replay as a delivery job under the event\'s own job id, with a fresh retry budget', () => {
    const now = new Date('2024-03-19T08:00:00.000Z');
    const spec = replayJob(entry, { maxAttempts: 5, backoffMs: 250 }, now);
    expect(spec.jobId).toBe(notificationJobId('tenant/a', 'e:1'));
    expect(spec.jobId).not.toContain(':');
    expect(spec.name).toBe(JobName.Deliver);
    expect(spec.opts).toMatchObject({ jobId: spec.jobId, attempts: 5, backoff: { type: 'exponential', delay: 250 } });
    // Same event, expiry clock restarted, no dead-letter bookkeeping; only the devices it missed.
    expect(spec.data).toEqual({
      configId: 'tenant/a',
      event: entry.event,
      receivedAt: entry.receivedAt,
      replayedAt: now.toISOString(),
      pendingTokens: ['t1'],
    });
    expect(spec.data.event).not.toBe(entry.event);
  });

  it('replay to every live device when the entry never reached one (no undelivered list)', () => {
    const { undeliveredTokens: _none, ...unsent } = entry;
    expect(replayJob(unsent, { maxAttempts: 1, backoffMs: 1 }).data.pendingTokens).toBeUndefined();
  });

  it('keep dead-letter entries for the configured retention', () => {
    const retention = { completed: { age: 1, count: 1 }, failed: { age: 2, count: 2 }, deadLetter: { age: 60, count: 5 } };
    expect(deadLetterJob(entry, retention).opts.removeOnFail).toEqual({ age: 60, count: 5 });
  });

  it('keep the test flag of a test push through a replay', () => {
    expect(replayJob({ ...entry, test: true }, { maxAttempts: 1, backoffMs: 1 }).data.test).toBe(true);
  });

  it('summarise why they are there', () => {
    expect(deadLetterSummary(entry)).toBe('exhausted after 8 attempts: messaging/server-unavailable');
    expect(deadLetterSummary({ ...entry, reason: 'payload-too-large', attempts: 1 })).toMatch(/after 1 attempt:/);
  });

  it('are told apart from anything else an operator may add to the queue', () => {
    expect(isDeadLetterJobData(entry)).toBe(true);
    expect(isDeadLetterJobData({})).toBe(false);
    expect(isDeadLetterJobData(null)).toBe(false);
    expect(isDeadLetterJobData({ configId: 'a', event: { eventId: '' , sessionId: 's' } })).toBe(false);
    expect(isDeadLetterJobData({ configId: 'a', event: 'x' })).toBe(false);
  });
});
