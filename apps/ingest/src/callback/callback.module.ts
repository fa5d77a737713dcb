import { Module } from '@nestjs/common';
import { CallbackController } from './callback.controller';
import { OutboxRelayService } from '../outbox/outbox-relay.service';
import { IntakeService } from './intake.service';
import { NotificationProducer } from './notification-producer.service';

@Module({
  controllers: [CallbackController],
  providers: [NotificationProducer, IntakeService, OutboxRelayService],
  exports: [NotificationProducer, IntakeService],
})
export class CallbackModule {}
