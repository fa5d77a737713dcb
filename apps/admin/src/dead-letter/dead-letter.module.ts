/**
 * Dead-letter handling of the admin app: the queue's only worker (parks entries, replays retried
 * ones) and the replay API; both go through DeadLetterReplayService so they behave the same.
 */
import { Module } from '@nestjs/common';
import { HistoryModule } from '@app/persistence';
import { NotificationsModule } from '../notifications/notifications.module';
import { DeadLetterController } from './dead-letter.controller';
import { DeadLetterProcessor } from './dead-letter.processor';
import { DeadLetterReplayService } from './dead-letter-replay.service';
import { ReplayHistoryFilter } from './replay-history.filter';

@Module({
  imports: [NotificationsModule, HistoryModule],
  controllers: [DeadLetterController],
  providers: [DeadLetterReplayService, DeadLetterProcessor, ReplayHistoryFilter],
})
export class DeadLetterModule {}
