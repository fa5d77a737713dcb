/** Rows of the delivery history (tables history_events, history_attempts, history_devices). */

/** Where the ingest stored the event before the dispatcher took it. */
export type HistoryStoredIn = 'queue' | 'outbox';

/**
 * A device's outcome in one attempt. Open-ended: `delivered`, `pruned`, `retrying`, `rejected`,
 * `dead-lettered`, `already-delivered`, and whatever a later check adds.
 */
export type HistoryDeviceOutcome = string;

/**
 * The rows a flush writes, as positional tuples (their JSON is what travels to Postgres: see
 * HistoryRepository.insert). Times are epoch milliseconds; text is as Postgres can hold it.
 */
export type HistoryEventTuple = [
  configId: string,
  eventId: string,
  sessionId: string,
  customerId: string | null,
  conversationId: string | null,
  receivedAt: number,
  storedIn: HistoryStoredIn,
  /** The latest outcome: delivered, pruned, no-device, retrying, dead-lettered, ... */
  outcome: string,
  attempts: number,
  updatedAt: number,
  /** The dead-letter entry's job id once dead-lettered. */
  deadLetterId: string | null,
];

export type HistoryAttemptTuple = [
  configId: string,
  eventId: string,
  receivedAt: number,
  attempt: number,
  at: number,
  /** The dispatcher that made it: hostname/pid. */
  instance: string,
  result: string,
  detail: string | null,
];

export type HistoryDeviceTuple = [
  configId: string,
  eventId: string,
  receivedAt: number,
  attempt: number,
  at: number,
  /** sha256 of the full token, base64url: found by a full token, never turned back into one. */
  tokenDigest: string,
  tokenMasked: string,
  platform: string | null,
  outcome: HistoryDeviceOutcome,
  /** FCM's error code (pruned, retrying, rejected) or why the dispatcher refused. */
  code: string | null,
  /** FCM's message name when delivered. */
  messageName: string | null,
  latencyMs: number | null,
];

/** One flush: the JSON text of an array of tuples per table (`[]` when it has none). */
export interface HistoryBatch {
  events: string;
  attempts: string;
  devices: string;
}

/** One event as the admin API shows it. */
export interface HistoryEventView {
  configId: string;
  eventId: string;
  sessionId: string;
  customerId: string | null;
  conversationId: string | null;
  receivedAt: string;
  storedIn: HistoryStoredIn;
  outcome: string;
  updatedAt: string;
  deadLetterId: string | null;
  attempts?: Array<{ attempt: number; at: string; instance: string; result: string; detail: string | null }>;
  devices?: Array<{
    token: string;
    platform: string | null;
    outcome: string;
    code?: string;
    messageName?: string;
    at: string;
    attempt: number;
    latencyMs: number | null;
  }>;
}

export interface HistorySearch {
  configId?: string;
  eventId?: string;
  sessionId?: string;
  customerId?: string;
  tokenDigest?: string;
  from?: Date;
  to?: Date;
  limit: number;
}
