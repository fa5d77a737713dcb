/**
 * Dead-letter entries and their replay. The dashboard and the admin API both turn an entry back
 * into a notification job through `replayJob`, so a replay is the same whichever way it is asked for.
 */
import type { JobsOptions } from 'bullmq';
import type { DeadLetterJobData, NotificationJobData } from './notification-job';
import {
  deadLetterJobOptions,
  type JobRetention,
  JobName,
  notificationJobId,
  notificationJobOptions,
  type RetryPolicy,
} from './queue.constants';

export interface QueueJobSpec<T> {
  name: JobName;
  data: T;
  opts: JobsOptions;
}

/** How the dispatcher writes an entry: a plain waiting job, left for the admin app to park for an operator. */
export function deadLetterJob(data: DeadLetterJobData, retention?: JobRetention): QueueJobSpec<DeadLetterJobData> {
  return { name: JobName.DeadLetter, data, opts: deadLetterJobOptions(retention) };
}

/**
 * The notification job that replays an entry: same configId, same event, same job id. `replayedAt`
 * restarts the dispatcher's expiry clock (an operator asked for it now). When the entry names its
 * undelivered tokens, only those are sent to: the delivery ledger forgets an event once its retry
 * window has passed, so the entry itself is what keeps a replay days later from reaching a device
 * twice. An entry without that list never reached any device, so every live token is included.
 */
export function replayJob(
  entry: DeadLetterJobData,
  policy: RetryPolicy,
  now: Date = new Date(),
): QueueJobSpec<NotificationJobData> & { jobId: string } {
  const jobId = notificationJobId(entry.configId, entry.event.eventId);
  const data: NotificationJobData = {
    configId: entry.configId,
    event: { ...entry.event },
    receivedAt: entry.receivedAt,
    replayedAt: now.toISOString(),
    ...(entry.test ? { test: true } : {}),
    ...(entry.undeliveredTokens?.length ? { pendingTokens: [...entry.undeliveredTokens] } : {}),
  };
  return { name: JobName.Deliver, data, opts: { ...notificationJobOptions(policy), jobId }, jobId };
}

/** One line for the dashboard's error column: why the entry is here. */
export function deadLetterSummary(entry: DeadLetterJobData): string {
  const attempts = entry.attempts === 1 ? '1 attempt' : `${entry.attempts} attempts`;
  return `${entry.reason} after ${attempts}: ${entry.lastError}`;
}

/** Whether a DLQ job carries what a replay needs (the queue may hold anything an operator added by hand). */
export function isDeadLetterJobData(value: unknown): value is DeadLetterJobData {
  if (typeof value !== 'object' || value === null) return false;
  const data = value as Partial<DeadLetterJobData>;
  const event = data.event as Partial<DeadLetterJobData['event']> | undefined;
  return (
    typeof data.configId === 'string' &&
    data.configId.length > 0 &&
    typeof event === 'object' &&
    event !== null &&
    typeof event.eventId === 'string' &&
    event.eventId.length > 0 &&
    typeof event.sessionId === 'string'
  );
}
