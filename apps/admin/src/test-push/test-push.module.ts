/**
 * Operator test pushes: a synthetic event for a session, through the real queue and dispatcher,
 * so a device can be checked end to end.
 */
import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { TestPushController } from './test-push.controller';
import { TestPushService } from './test-push.service';

@Module({
  imports: [NotificationsModule],
  controllers: [TestPushController],
  providers: [TestPushService],
})
export class TestPushModule {}
