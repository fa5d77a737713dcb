/** What a notification job reports when it completes (shown by the dashboard), and the per-token results behind it. */

export type DeliveryOutcome = 'delivered' | 'pruned' | 'no-device' | 'expired' | 'refused';

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  /** Registrations this attempt worked on (named so as not to look like a token list to the log redaction). */
  devices: number;
  /** Accepted by FCM in this attempt. */
  delivered: number;
  /** Skipped: the ledger says an earlier attempt or replay delivered them. */
  alreadyDelivered: number;
  /** Registrations deleted because FCM called the token dead. */
  pruned: number;
}

export type TokenResult = (
  | { token: string; outcome: 'delivered' | 'already-delivered' | 'prune'; code?: string; message?: string }
  | { token: string; outcome: 'retry'; code: string; message: string; retryInMs?: number }
  | { token: string; outcome: 'reject'; reason: 'payload-too-large' | 'rejected'; code: string; message: string }
  /** Not sent on purpose: the registration is bound to another customer than the event's. */
  | { token: string; outcome: 'refused'; code: 'customer-mismatch'; message: string }
) & {
  /** For the delivery history: FCM's message name when delivered, and how long FCM took. */
  messageName?: string;
  latencyMs?: number;
};

/** A transient failure of some tokens: thrown so that BullMQ's exponential back-off applies. */
export class TransientDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransientDeliveryError';
  }
}
