import { Module } from '@nestjs/common';
import { FcmModule } from '@app/fcm';
import { DeadLetterWriter } from './dead-letter.writer';
import { DeliveryLedger } from './delivery-ledger.service';
import { DeliveryService } from './delivery.service';
import { NotificationProcessor } from './notification.processor';
import { QueueJanitor } from './queue-janitor.service';
import { TokenLookup } from './token-lookup.service';

/** Consumes the notifications queue and delivers each event through FCM. */
@Module({
  imports: [FcmModule],
  providers: [NotificationProcessor, DeliveryService, DeliveryLedger, DeadLetterWriter, TokenLookup, QueueJanitor],
  exports: [NotificationProcessor],
})
export class DeliveryModule {}
