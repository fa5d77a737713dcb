import { Module } from '@nestjs/common';
import { CallbackController } from './callback.controller';
import { OutboxRelayService } from '../outbox/outbox-relay.service';
import { CallbackService } from './callback.service';
import { IntakeService } from './intake.service';
import { NotificationProducer } from './notification-producer.service';

@Module({
  controllers: [CallbackController],
  providers: [NotificationProducer, IntakeService, CallbackService, OutboxRelayService],
  exports: [NotificationProducer, IntakeService, CallbackService],
})
export class CallbackModule {}
