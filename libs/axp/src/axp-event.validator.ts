import { type AxpEvent, eventFieldText } from './axp-event';

/** The fields the connector needs: the signed pair, which is also the token lookup key. */
export const REQUIRED_EVENT_FIELDS = ['eventId', 'sessionId'] as const;
/** Keys never copied onto an object, whatever the parser let through. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/**
 * The sample README writes dates unpadded (`2024-3-13T20:25:39.734Z`), which `Date.parse` refuses.
 * Groups: year, month, day, hour, minute, second, fraction, zone.
 */
const LOOSE_ISO_8601 = /^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export type EventValidation = { ok: true; event: AxpEvent } | { ok: false; field: string; message: string };

function requiredProblem(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return `${field} is required`;
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length === 0) return `${field} must not be empty`;
  // A lone UTF-16 surrogate has no UTF-8 form: it could not be signed, stored or looked up as sent.
  if (!isWellFormed(value)) return `${field} must be well-formed Unicode (it holds a lone surrogate)`;
  return undefined;
}

/** `String.prototype.isWellFormed` (Node 20), typed here because the project's lib is ES2023. */
export function isWellFormed(value: string): boolean {
  return (value as string & { isWellFormed(): boolean }).isWellFormed();
}

/** The identifying pair the signature covers, when both are present as strings. */
export function signedFields(body: unknown): { eventId: string; sessionId: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { eventId, sessionId } = body as Record<string, unknown>;
  return typeof eventId === 'string' && typeof sessionId === 'string' ? { eventId, sessionId } : undefined;
}

/**
 * `eventDate` as the connector keeps it: the unpadded form rewritten as ISO-8601, anything else as
 * sent. A date `Date.parse` cannot read is still carried; the event's age then counts from receipt.
 */
export function normaliseEventDate(value: string): string {
  const loose = LOOSE_ISO_8601.exec(value);
  if (!loose) return value;
  const [, year, month, day, hour, minute, second, fraction, zone] = loose;
  const pad = (part: string | undefined) => (part ?? '0').padStart(2, '0');
  const padded = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction ?? ''}${zone}`;
  return Number.isNaN(Date.parse(padded)) ? value : padded;
}

/**
 * Validates an AXP callback body once its signature verified. Hand-written rather than decorator-based
 * because it runs on every callback. Only `eventId` and `sessionId` are required; every other field,
 * of any JSON type, is carried as a string (see eventFieldText), so nothing AXP sends is dropped.
 */
export function validateAxpEvent(body: unknown): EventValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, field: 'body', message: 'body must be a JSON object' };
  }
  const input = body as Record<string, unknown>;
  for (const field of REQUIRED_EVENT_FIELDS) {
    const problem = requiredProblem(input, field);
    if (problem) return { ok: false, field, message: problem };
  }
  const event: Record<string, string> = {};
  for (const key of Object.keys(input)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    event[key] = eventFieldText(input[key]);
  }
  if (event.eventDate !== undefined) event.eventDate = normaliseEventDate(event.eventDate);
  return { ok: true, event: event as AxpEvent };
}
