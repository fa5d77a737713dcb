/**
 * Dead-letter handling of the admin app: the queue's only worker (parks entries, replays retried
 * ones) and the replay API; both go through DeadLetterReplayService so they behave the same.
 */
import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { DeadLetterController } from './dead-letter.controller';
import { DeadLetterProcessor } from './dead-letter.processor';
import { DeadLetterReplayService } from './dead-letter-replay.service';

@Module({
  imports: [NotificationsModule],
  controllers: [DeadLetterController],
  providers: [DeadLetterReplayService, DeadLetterProcessor],
})
export class DeadLetterModule {}
