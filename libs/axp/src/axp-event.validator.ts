import type { AxpEvent } from '@app/queue';

export const REQUIRED_EVENT_FIELDS = ['eventId', 'conversationId', 'customerId', 'sessionId', 'eventDate'] as const;
export const MAX_FIELD_LENGTH = 1024;
const MAX_EXTRA_KEY_LENGTH = 256;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export type EventValidation = { ok: true; event: AxpEvent } | { ok: false; field: string; message: string };

function checkRequired(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return `${field} is required`;
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length === 0) return `${field} must not be empty`;
  if (value.length > MAX_FIELD_LENGTH) return `${field} must be at most ${MAX_FIELD_LENGTH} characters`;
  return undefined;
}

/** The identifying pair the signature covers, when both are present as strings. */
export function signedFields(body: unknown): { eventId: string; sessionId: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { eventId, sessionId } = body as Record<string, unknown>;
  return typeof eventId === 'string' && typeof sessionId === 'string' ? { eventId, sessionId } : undefined;
}

/**
 * Validates an AXP callback body. Hand-written rather than decorator-based because it runs on
 * every callback. Extra string fields are kept (AXP may add fields), other extras are dropped.
 */
export function validateAxpEvent(body: unknown): EventValidation {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, field: 'body', message: 'body must be a JSON object' };
  }
  const input = body as Record<string, unknown>;
  for (const field of REQUIRED_EVENT_FIELDS) {
    const problem = checkRequired(input, field);
    if (problem) return { ok: false, field, message: problem };
  }
  const eventDate = input.eventDate as string;
  if (!ISO_8601.test(eventDate) || Number.isNaN(Date.parse(eventDate))) {
    return { ok: false, field: 'eventDate', message: 'eventDate must be an ISO-8601 date-time such as 2024-03-18T11:00:24.481Z' };
  }
  const event: Record<string, string> = {};
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (typeof value !== 'string' || FORBIDDEN_KEYS.has(key) || key.length > MAX_EXTRA_KEY_LENGTH) continue;
    event[key] = value;
  }
  return { ok: true, event: event as AxpEvent };
}
