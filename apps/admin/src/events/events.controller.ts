import { Controller, Get, NotFoundException, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import { HistoryRepository, type HistoryEventView } from '@app/persistence';
import { ApiAdminOperation } from '../openapi/admin-api.openapi';
import { type EventsQuery, MAX_LIMIT, parseEventsQuery } from './events-query';

/** The delivery history through the admin API (behind the admin app's basic auth). Tokens are masked. */
@Controller('admin/api/events')
export class EventsController {
  constructor(private readonly history: HistoryRepository) {}

  @Get()
  @ApiAdminOperation(
    'Search the delivery history',
    'Events matching every given criterion, newest first. `deviceToken` is a full token, compared by its sha256 digest.',
  )
  @ApiQuery({ name: 'configId', required: false })
  @ApiQuery({ name: 'eventId', required: false })
  @ApiQuery({ name: 'sessionId', required: false })
  @ApiQuery({ name: 'customerId', required: false })
  @ApiQuery({ name: 'deviceToken', required: false })
  @ApiQuery({ name: 'from', required: false, description: 'ISO-8601 receipt time, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'ISO-8601 receipt time, inclusive' })
  @ApiQuery({ name: 'limit', required: false, description: `1 to ${MAX_LIMIT}, default 50` })
  @ApiOkResponse({ description: '`{events: [...]}`, newest first' })
  async search(@Query() query: EventsQuery): Promise<{ events: HistoryEventView[] }> {
    return { events: await this.history.search(parseEventsQuery(query)) };
  }

  @Get(':configId/:eventId')
  @ApiAdminOperation('One event of the delivery history', 'The event, its attempts and its per-device outcomes (tokens masked).')
  @ApiOkResponse({ description: 'the event with `attempts` and `devices`' })
  @ApiNotFoundResponse({ description: 'no such event in the history (never seen, or past the retention)' })
  async find(@Param('configId') configId: string, @Param('eventId') eventId: string): Promise<HistoryEventView> {
    const event = await this.history.find(configId, eventId);
    if (!event) throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no event '${eventId}' of '${configId}' in the history` });
    return event;
  }
}
