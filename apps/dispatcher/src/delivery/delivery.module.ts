import { Module } from '@nestjs/common';
import { FcmModule } from '@app/fcm';
import { DeadLetterWriter } from './dead-letter.writer';
import { DeliveryLedger } from './delivery-ledger.service';
import { DeliveryService } from './delivery.service';
import { NotificationProcessor } from './notification.processor';

/** Consumes the notifications queue and delivers each event through FCM. */
@Module({
  imports: [FcmModule],
  providers: [NotificationProcessor, DeliveryService, DeliveryLedger, DeadLetterWriter],
  exports: [NotificationProcessor],
})
export class DeliveryModule {}
