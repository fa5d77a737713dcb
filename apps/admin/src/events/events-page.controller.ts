import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HistoryRepository, type HistoryEventView, tokenDigest } from '@app/persistence';
import { maskToken } from '@app/observability';
import { DEAD_LETTER_QUEUE } from '@app/queue';
import { DASHBOARD_ROUTE } from '../dashboard/dashboard.module';
import { renderEventsPage } from './events-page.view';

const PAGE_LIMIT = 100;
const MAX_TERM = 4_096;

const one = (value: unknown): string => (typeof value === 'string' ? value.trim().slice(0, MAX_TERM) : '');

/** The delivery history page: one search box over event id, session id, customer id and device token. */
@ApiExcludeController()
@Controller('admin/events')
export class EventsPageController {
  constructor(private readonly history: HistoryRepository) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('cache-control', 'no-store')
  async page(@Query() query: Record<string, unknown>): Promise<string> {
    const q = one(query.q);
    const configId = one(query.configId);
    const eventId = one(query.eventId);
    const [found, event] = await Promise.all([
      q ? this.searchAny(q) : undefined,
      configId && eventId ? this.history.find(configId, eventId) : undefined,
    ]);
    return renderEventsPage({
      // A device token typed into the box is never written back in full (page, links, history).
      q: found?.byToken ? maskToken(q) : q,
      events: found?.events,
      event,
      missing: configId && eventId && !event ? { configId, eventId } : undefined,
      deadLetterUrl: (id) => `${DASHBOARD_ROUTE}/queue/${encodeURIComponent(DEAD_LETTER_QUEUE)}/${encodeURIComponent(id)}`,
    });
  }

  /** The term as each kind of id (and as a device token, by digest): one indexed lookup each, merged newest first. */
  private async searchAny(term: string): Promise<{ events: HistoryEventView[]; byToken: boolean }> {
    const limit = PAGE_LIMIT;
    const found = await Promise.all([
      this.history.search({ eventId: term, limit }),
      this.history.search({ sessionId: term, limit }),
      this.history.search({ customerId: term, limit }),
      this.history.search({ tokenDigest: tokenDigest(term), limit }),
    ]);
    const unique = new Map(found.flat().map((e) => [`${e.configId}\u0000${e.eventId}\u0000${e.receivedAt}`, e]));
    const events = [...unique.values()].sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)).slice(0, limit);
    return { events, byToken: found[3].length > 0 };
  }
}
