/**
 * A push about a live conversation goes stale: how old an event is, counted from eventDate, from
 * receipt when eventDate is missing or unparsable, and from the operator's replay when replayed.
 */
import type { NotificationJobData } from '@app/queue';

export interface EventAge {
  ageMs: number;
  countedFrom: 'eventDate' | 'receivedAt' | 'replayedAt';
}

const timeOf = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
};

export function eventAge(data: NotificationJobData, now: number = Date.now()): EventAge {
  const replayedAt = timeOf(data.replayedAt);
  if (replayedAt !== undefined) return { ageMs: now - replayedAt, countedFrom: 'replayedAt' };
  const eventDate = timeOf(data.event.eventDate);
  if (eventDate !== undefined) return { ageMs: now - eventDate, countedFrom: 'eventDate' };
  return { ageMs: now - (timeOf(data.receivedAt) ?? now), countedFrom: 'receivedAt' };
}
