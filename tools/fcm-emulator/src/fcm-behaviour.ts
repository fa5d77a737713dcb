/**
 * What the emulator answers for a token: FCM v1's real error bodies, per-token behaviours and the
 * token-name conventions used in manual demos (`unregistered-…`, `unavailable-2x-…`).
 */

export const FCM_FAILURES = [
  'unregistered',
  'invalid-token',
  'invalid-payload',
  'unavailable',
  'internal',
  'quota',
  'sender-mismatch',
  'third-party-auth',
] as const;
export type FcmFailure = (typeof FCM_FAILURES)[number];
export type TokenOutcome = 'ok' | FcmFailure;

export interface TokenBehaviour {
  outcome: TokenOutcome;
  /** Fail only for the first `times` requests of the token, then answer ok. */
  times?: number;
  /** Delay before answering, in milliseconds. */
  latencyMs?: number;
  /** Sent as `Retry-After` (seconds) on 503 and 429 answers. */
  retryAfterSeconds?: number;
}

export interface FcmAnswer {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

interface FailureSpec {
  code: number;
  status: string;
  errorCode: string;
  message: string;
}

/** The message FCM sends when a token is malformed; the dispatcher tells token from payload errors by it. */
export const INVALID_TOKEN_MESSAGE = 'The registration token is not a valid FCM registration token';

const FAILURES: Record<FcmFailure, FailureSpec> = {
  unregistered: { code: 404, status: 'NOT_FOUND', errorCode: 'UNREGISTERED', message: 'Requested entity was not found.' },
  'invalid-token': { code: 400, status: 'INVALID_ARGUMENT', errorCode: 'INVALID_ARGUMENT', message: INVALID_TOKEN_MESSAGE },
  'invalid-payload': {
    code: 400,
    status: 'INVALID_ARGUMENT',
    errorCode: 'INVALID_ARGUMENT',
    message: 'Request contains an invalid argument.',
  },
  unavailable: { code: 503, status: 'UNAVAILABLE', errorCode: 'UNAVAILABLE', message: 'The service is currently unavailable.' },
  internal: { code: 500, status: 'INTERNAL', errorCode: 'INTERNAL', message: 'Internal error encountered.' },
  quota: {
    code: 429,
    status: 'RESOURCE_EXHAUSTED',
    errorCode: 'QUOTA_EXCEEDED',
    message: 'Quota exceeded for quota metric of the project.',
  },
  'sender-mismatch': { code: 403, status: 'PERMISSION_DENIED', errorCode: 'SENDER_ID_MISMATCH', message: 'SenderId mismatch' },
  'third-party-auth': {
    code: 401,
    status: 'UNAUTHENTICATED',
    errorCode: 'THIRD_PARTY_AUTH_ERROR',
    message: 'Auth error from APNS or Web Push Service',
  },
};

const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';

/** An FCM v1 error answer, byte for byte in FCM's shape. */
export function failureAnswer(failure: FcmFailure, options: { message?: string; retryAfterSeconds?: number } = {}): FcmAnswer {
  const spec = FAILURES[failure];
  const body = JSON.stringify({
    error: {
      code: spec.code,
      message: options.message ?? spec.message,
      status: spec.status,
      details: [{ '@type': FCM_ERROR_TYPE, errorCode: spec.errorCode }],
    },
  });
  const retryable = spec.code === 503 || spec.code === 429;
  const headers =
    retryable && options.retryAfterSeconds !== undefined ? { 'retry-after': String(options.retryAfterSeconds) } : undefined;
  return { status: spec.code, body, headers };
}

/** A Google API error without FCM details (bad OAuth token, unknown route). */
export function googleErrorAnswer(code: number, status: string, message: string): FcmAnswer {
  return { status: code, body: JSON.stringify({ error: { code, message, status } }) };
}

const NAMED = new RegExp(`^(${FCM_FAILURES.join('|')})-(?:(\\d{1,6})x-)?`);
const SLOW = /^slow-(\d{1,6})ms-/;

/**
 * Token-name conventions for demos without the control API:
 * `<failure>-…` always fails that way, `<failure>-<N>x-…` fails N times then succeeds,
 * `slow-<ms>ms-…` succeeds after a delay.
 */
export function behaviourFromTokenName(token: string): TokenBehaviour | undefined {
  const slow = SLOW.exec(token);
  if (slow) return { outcome: 'ok', latencyMs: Number(slow[1]) };
  const named = NAMED.exec(token);
  if (!named) return undefined;
  const outcome = named[1] as FcmFailure;
  return named[2] === undefined ? { outcome } : { outcome, times: Number(named[2]) };
}

/** Validates a behaviour received over the control API; returns a problem description when invalid. */
export function parseBehaviour(input: unknown): TokenBehaviour | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'behaviour must be a JSON object';
  const { outcome, times, latencyMs, retryAfterSeconds } = input as Record<string, unknown>;
  if (outcome !== 'ok' && !FCM_FAILURES.includes(outcome as FcmFailure)) {
    return `outcome must be one of ok, ${FCM_FAILURES.join(', ')}`;
  }
  for (const [name, value] of Object.entries({ times, latencyMs, retryAfterSeconds })) {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < 0)) {
      return `${name} must be a non-negative integer`;
    }
  }
  return {
    outcome: outcome as TokenOutcome,
    times: times as number | undefined,
    latencyMs: latencyMs as number | undefined,
    retryAfterSeconds: retryAfterSeconds as number | undefined,
  };
}
