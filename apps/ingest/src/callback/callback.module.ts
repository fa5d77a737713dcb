import { Module } from '@nestjs/common';
import { CallbackController } from './callback.controller';
import { NotificationProducer } from './notification-producer.service';

@Module({
  controllers: [CallbackController],
  providers: [NotificationProducer],
  exports: [NotificationProducer],
})
export class CallbackModule {}
