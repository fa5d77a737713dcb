/** The history search's query string, checked: a bad value is a 400 naming the field, never a 5xx. */
import { BadRequestException } from '@nestjs/common';
import { type HistorySearch, tokenDigest } from '@app/persistence';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;
const MAX_TEXT = 4_096;

export type EventsQuery = Partial<Record<'configId' | 'sessionId' | 'customerId' | 'eventId' | 'deviceToken' | 'from' | 'to' | 'limit', unknown>>;

function badRequest(field: string, message: string): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message: `${field} ${message}`, field });
}

function text(query: EventsQuery, field: keyof EventsQuery): string | undefined {
  const value = query[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(field, 'must be given once, as text');
  if (value.length > MAX_TEXT) throw badRequest(field, `must be at most ${MAX_TEXT} characters`);
  return value;
}

function date(query: EventsQuery, field: 'from' | 'to'): Date | undefined {
  const value = text(query, field);
  if (value === undefined) return undefined;
  // ISO-8601 only: Date.parse would also take "1" or "March 5", which no one means here.
  const ms = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw badRequest(field, 'must be an ISO-8601 date or time, such as 2026-03-01 or 2026-03-01T14:02:00Z');
  return new Date(ms);
}

export function parseEventsQuery(query: EventsQuery): HistorySearch {
  const limitText = text(query, 'limit');
  let limit = DEFAULT_LIMIT;
  if (limitText !== undefined) {
    if (!/^\d{1,6}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > MAX_LIMIT) {
      throw badRequest('limit', `must be a whole number from 1 to ${MAX_LIMIT}`);
    }
    limit = Number(limitText);
  }
  const from = date(query, 'from');
  const to = date(query, 'to');
  if (from && to && from > to) throw badRequest('from', 'must not be after to');
  const deviceToken = text(query, 'deviceToken');
  return {
    configId: text(query, 'configId'),
    eventId: text(query, 'eventId'),
    sessionId: text(query, 'sessionId'),
    customerId: text(query, 'customerId'),
    // A full token is only ever compared by its digest.
    tokenDigest: deviceToken === undefined ? undefined : tokenDigest(deviceToken),
    from,
    to,
    limit,
  };
}
