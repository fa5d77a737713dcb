import { Module } from '@nestjs/common';
import { HistoryModule } from '@app/persistence';
import { EventsPageController } from './events-page.controller';
import { EventsController } from './events.controller';

/** The delivery history in the admin app: the API under /admin/api/events and the page /admin/events. */
@Module({
  imports: [HistoryModule],
  controllers: [EventsController, EventsPageController],
})
export class EventsModule {}
