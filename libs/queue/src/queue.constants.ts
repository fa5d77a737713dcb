/**
 * The queue contract between ingest and dispatcher: names, job names, payload types and job options.
 * These string values are persisted in Redis: never rename them once shipped.
 */
import { createHash } from 'node:crypto';
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

/** Longest id part kept readable; longer or ill-formed parts are hashed, so Redis and Postgres keys stay bounded. */
export const MAX_ID_PART_LENGTH = 256;
/** Marks a hashed part: encodeURIComponent always writes '#' as %23, so no readable part starts with it. */
const HASHED_PART = '#';

/**
 * One id part (a configId, eventId, sessionId or device token) as it may appear in a job id or a
 * key. Total on every JavaScript string: ordinary values are URI-encoded (BullMQ ids may not hold
 * ':'), as they always were, so ids already in Redis and the outbox keep matching; a value that is
 * ill-formed Unicode (a lone surrogate, which encodeURIComponent refuses with a URIError) or longer
 * than MAX_ID_PART_LENGTH once encoded becomes '#' + the base64url SHA-256 of its UTF-16 code units
 * (UTF-16, so distinct lone surrogates never hash alike).
 */
export function idPart(value: string): string {
  const text = typeof value === 'string' ? value : String(value);
  if (text.length <= MAX_ID_PART_LENGTH && (text as string & { isWellFormed(): boolean }).isWellFormed()) {
    const encoded = encodeURIComponent(text);
    if (encoded.length <= MAX_ID_PART_LENGTH) return encoded;
  }
  return HASHED_PART + createHash('sha256').update(text, 'utf16le').digest('base64url');
}

/** The job id of an event: one job per (configuration, eventId), so a repeated callback is a no-op. */
export function notificationJobId(configId: string, eventId: string): string {
  return `${idPart(configId)}/${idPart(eventId)}`;
}
