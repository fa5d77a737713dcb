/** Payload types carried by the queues (see queue.constants.ts for their names). */

import { type AxpEvent, eventFieldText } from '@app/axp';

/** The event type is the domain's (libs/axp); re-exported for the queue's consumers. */
export type { AxpEvent };

export interface NotificationJobData {
  configId: string;
  event: AxpEvent;
  /** ISO-8601 time the ingest accepted the callback. */
  receivedAt: string;
  /** Synthetic event sent by an operator to check a device end to end. */
  test?: boolean;
  /** Set by the dispatcher after a partial failure: the tokens still to be delivered on retry. */
  pendingTokens?: string[];
  /** ISO-8601 time an operator replayed this event from the dead-letter queue: its expiry clock restarts then. */
  replayedAt?: string;
  /** Where the ingest stored the event: 'outbox' when Redis was away (the relay queued it later); absent means the queue. */
  storedIn?: 'queue' | 'outbox';
}

export type DeadLetterReason =
  | 'exhausted'
  | 'expired'
  | 'payload-too-large'
  | 'rejected'
  | 'configuration';

export interface DeadLetterJobData extends NotificationJobData {
  reason: DeadLetterReason;
  lastError: string;
  /** Attempts the notification job made before it was dead-lettered. */
  attempts: number;
  /** Id of the notification job this entry came from. */
  sourceJobId: string;
  deadLetteredAt: string;
  /** Tokens that had not been delivered when the job was dead-lettered. */
  undeliveredTokens?: string[];
}

/**
 * Why `value` cannot be a notification job's data, or undefined when it can. Jobs and outbox rows
 * may hold anything someone wrote by hand or an older version wrote: consumers check before use.
 */
export function notificationDataProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'the job data is not an object';
  const data = value as Partial<Record<keyof NotificationJobData, unknown>>;
  if (typeof data.configId !== 'string' || data.configId.length === 0) return 'configId is not a non-empty string';
  if (typeof data.receivedAt !== 'string') return 'receivedAt is not a string';
  const event = data.event as Record<string, unknown> | null | undefined;
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return 'event is not an object';
  if (typeof event.eventId !== 'string' || event.eventId.length === 0) return 'event.eventId is not a non-empty string';
  if (typeof event.sessionId !== 'string') return 'event.sessionId is not a string';
  const pending = data.pendingTokens;
  if (pending !== undefined && !(Array.isArray(pending) && pending.every((t) => typeof t === 'string'))) {
    return 'pendingTokens is not a list of strings';
  }
  return undefined;
}

/**
 * What can be kept of job data that failed notificationDataProblem, as a notification whose fields
 * are all there (empty when missing), so it can still be dead-lettered with its reason and looked at.
 */
export function salvageNotificationData(value: unknown): NotificationJobData {
  const data = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const event = (typeof data.event === 'object' && data.event !== null ? data.event : {}) as Record<string, unknown>;
  const text = (v: unknown) => (v === undefined ? '' : eventFieldText(v));
  const salvaged: AxpEvent = { eventId: text(event.eventId), sessionId: text(event.sessionId) };
  for (const [key, field] of Object.entries(event)) {
    if (key !== 'eventId' && key !== 'sessionId' && key !== '__proto__') salvaged[key] = text(field);
  }
  return { configId: text(data.configId), event: salvaged, receivedAt: text(data.receivedAt) };
}
