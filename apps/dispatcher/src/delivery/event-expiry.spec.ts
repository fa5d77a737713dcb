import type { NotificationJobData } from '@app/queue';
import { eventAge } from './event-expiry';

const now = Date.parse('2024-03-18T12:00:00.000Z');
const job = (event: Partial<NotificationJobData['event']>, extra: Partial<NotificationJobData> = {}): NotificationJobData => ({
  configId: 'default',
  event: { eventId: 'e', conversationId: 'c', customerId: 'u', sessionId: 's', eventDate: '', ...event } as NotificationJobData['event'],
  receivedAt: '2024-03-18T11:59:00.000Z',
  ...extra,
});

describe('eventAge', () => {
  it('counts from eventDate', () => {
    expect(eventAge(job({ eventDate: '2024-03-18T11:45:00.000Z' }), now)).toEqual({ ageMs: 15 * 60_000, countedFrom: 'eventDate' });
  });

  it('counts from receipt when eventDate is missing or unparsable', () => {
    expect(eventAge(job({ eventDate: 'yesterday' }), now)).toEqual({ ageMs: 60_000, countedFrom: 'receivedAt' });
    const missing = job({});
    delete (missing.event as Partial<NotificationJobData['event']>).eventDate;
    expect(eventAge(missing, now).countedFrom).toBe('receivedAt');
  });

  it('restarts the clock when an operator replayed the event', () => {
    const replayed = job({ eventDate: '2024-03-18T08:00:00.000Z' }, { replayedAt: '2024-03-18T11:59:30.000Z' });
    expect(eventAge(replayed, now)).toEqual({ ageMs: 30_000, countedFrom: 'replayedAt' });
  });

  it('treats a job without any usable time as new rather than expired', () => {
    expect(eventAge(job({ eventDate: 'x' }, { receivedAt: 'y' }), now).ageMs).toBe(0);
  });
});
