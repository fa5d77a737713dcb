/**
 * The admin app's access to the notifications queue (test pushes, replays); controllers never
 * hold the queue themselves.
 */
import { Module } from '@nestjs/common';
import { NotificationWriter } from './notification-writer.service';

@Module({
  providers: [NotificationWriter],
  exports: [NotificationWriter],
})
export class NotificationsModule {}
