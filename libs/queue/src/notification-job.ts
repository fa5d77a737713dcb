/** Payload types carried by the queues (see queue.constants.ts for their names). */

/** The AXP callback body: the five documented fields, plus any extra string fields AXP adds. */
export interface AxpEvent {
  eventId: string;
  conversationId: string;
  customerId: string;
  sessionId: string;
  eventDate: string;
  [field: string]: string;
}

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
