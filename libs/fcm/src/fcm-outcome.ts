/**
 * What one token's send result means for the dispatcher, from firebase-admin's error code: delivered,
 * prune the registration, retry later, or reject the notification (dead-letter, never retried).
 */

export type FcmOutcome = 'delivered' | 'prune' | 'retry' | 'reject';

export interface FcmFailure {
  outcome: Exclude<FcmOutcome, 'delivered'>;
  /** firebase-admin's code (`messaging/...`, `app/...`), or the Node error code. */
  code: string;
  message: string;
}

const PRUNE = new Set([
  'messaging/registration-token-not-registered',
  'messaging/invalid-registration-token',
  'messaging/mismatched-credential',
]);

const REJECT = new Set([
  'messaging/third-party-auth-error',
  'messaging/authentication-error',
  // Refused by the SDK's own validation before any request: a bad payload, never better on retry.
  'messaging/invalid-payload',
  'messaging/payload-size-limit-exceeded',
  'messaging/invalid-data-payload-key',
  'messaging/invalid-options',
  'messaging/invalid-package-name',
  'messaging/invalid-recipient',
]);

/** FCM's wording for a malformed token; the only thing telling it from a bad payload (both INVALID_ARGUMENT). */
const INVALID_TOKEN = /registration token is not a valid FCM registration token/i;

function describe(error: unknown): { code: string; message: string } {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' && code.length > 0 ? code : 'unknown',
      message: typeof message === 'string' ? message : String(error),
    };
  }
  return { code: 'unknown', message: String(error) };
}

/**
 * Classifies an error thrown by `messaging.send()`. Transient failures (`server-unavailable`,
 * `internal-error`, `message-rate-exceeded`, `unknown-error`, network errors and timeouts) retry;
 * so does anything unrecognised, since the retry budget bounds it and the dead-letter queue keeps it.
 */
export function classifyFcmError(error: unknown): FcmFailure {
  const { code, message } = describe(error);
  if (PRUNE.has(code)) return { outcome: 'prune', code, message };
  if (code === 'messaging/invalid-argument') {
    return { outcome: INVALID_TOKEN.test(message) ? 'prune' : 'reject', code, message };
  }
  if (REJECT.has(code)) return { outcome: 'reject', code, message };
  return { outcome: 'retry', code, message };
}
