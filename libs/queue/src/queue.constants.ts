/**
 * The queue contract between ingest and dispatcher: names, job names, payload types and job options.
 * These string values are persisted in Redis: never rename them once shipped.
 */
import type { JobsOptions } from 'bullmq';

export const NOTIFICATIONS_QUEUE = 'axp-notifications';
export const DEAD_LETTER_QUEUE = 'axp-notifications-dead-letter';

export const JobName = {
  /** Deliver one AXP event to every device of its session. */
  Deliver: 'deliver',
  /** A notification that could not be delivered, kept for inspection and replay. */
  DeadLetter: 'dead-letter',
} as const;
export type JobName = (typeof JobName)[keyof typeof JobName];

/** Completed jobs are kept briefly for the dashboard; failed ones much longer for investigation. */
export const COMPLETED_RETENTION = { age: 60 * 60, count: 10_000 } as const;
export const FAILED_RETENTION = { age: 14 * 24 * 60 * 60, count: 100_000 } as const;
/** Dead-letter entries wait for a person: never removed automatically. */
export const DEAD_LETTER_JOB_OPTIONS: JobsOptions = { removeOnComplete: COMPLETED_RETENTION, removeOnFail: false };

/** Share of the exponential delay that is randomised, so retries of a burst spread out. */
export const BACKOFF_JITTER = 0.5;

export interface RetryPolicy {
  maxAttempts: number;
  backoffMs: number;
}

/** Options of every notification job: the dispatcher's retry budget and the retention above. */
export function notificationJobOptions(policy: RetryPolicy): JobsOptions {
  return {
    attempts: policy.maxAttempts,
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: BACKOFF_JITTER },
    removeOnComplete: COMPLETED_RETENTION,
    removeOnFail: FAILED_RETENTION,
  };
}

/**
 * The job id of an event: one job per (configuration, eventId), so a repeated callback is a no-op.
 * Components are URI-encoded because BullMQ ids may not contain ':'.
 */
export function notificationJobId(configId: string, eventId: string): string {
  return `${encodeURIComponent(configId)}/${encodeURIComponent(eventId)}`;
}
