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

/**
 * Defaults of QUEUE_*_RETENTION_* and DEAD_LETTER_RETENTION_*: completed jobs are kept briefly for
 * the dashboard, failed ones much longer for investigation, dead-letter entries longest (they wait for
 * a person). BullMQ trims by these only when a later job finishes; the dispatcher's QueueJanitor also
 * cleans by age, so an idle queue empties too.
 */
export const COMPLETED_RETENTION = { age: 60 * 60, count: 10_000 } as const;
export const FAILED_RETENTION = { age: 14 * 24 * 60 * 60, count: 100_000 } as const;
export const DEAD_LETTER_RETENTION = { age: 30 * 24 * 60 * 60, count: 100_000 } as const;
/** Dead-letter entries are parked as failed jobs by the admin app: `removeOnFail` bounds them. */
export const DEAD_LETTER_JOB_OPTIONS: JobsOptions = { removeOnComplete: COMPLETED_RETENTION, removeOnFail: DEAD_LETTER_RETENTION };

export interface JobRetention {
  completed: { age: number; count: number };
  failed: { age: number; count: number };
  deadLetter?: { age: number; count: number };
}

/** Share of the exponential delay that is randomised, so retries of a burst spread out. */
export const BACKOFF_JITTER = 0.5;

export interface RetryPolicy {
  maxAttempts: number;
  backoffMs: number;
  /** The configured retention (config.dispatch.retention); the defaults above without it. */
  retention?: JobRetention;
}

/** Options of a dead-letter entry, with the configured retention when given. */
export function deadLetterJobOptions(retention?: JobRetention): JobsOptions {
  return retention?.deadLetter ? { ...DEAD_LETTER_JOB_OPTIONS, removeOnFail: { ...retention.deadLetter } } : { ...DEAD_LETTER_JOB_OPTIONS };
}

/**
 * The longest an event's job can keep sending, counted from one attempt to the next: the sum of
 * every exponential back-off (at their jitter-free maximum), and never beyond the event's maximum
 * age, after which it is dead-lettered instead of sent. The delivery ledger keeps an event's
 * state for this window plus the claim TTL after its last claim, and not longer.
 */
export function retryWindowMs(policy: RetryPolicy & { maxAgeSeconds: number }): number {
  const backoffs = policy.backoffMs * (2 ** Math.max(0, policy.maxAttempts - 1) - 1);
  return Math.min(backoffs, policy.maxAgeSeconds * 1000);
}

/** Options of every notification job: the dispatcher's retry budget and the retention above. */
export function notificationJobOptions(policy: RetryPolicy): JobsOptions {
  return {
    attempts: policy.maxAttempts,
    backoff: { type: 'exponential', delay: policy.backoffMs, jitter: BACKOFF_JITTER },
    removeOnComplete: { ...(policy.retention?.completed ?? COMPLETED_RETENTION) },
    removeOnFail: { ...(policy.retention?.failed ?? FAILED_RETENTION) },
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
