import { Module } from '@nestjs/common';
import { FcmModule } from '@app/fcm';
import { HistoryModule } from '@app/persistence';
import { DeliveryHistory } from '../history/delivery-history.service';
import { DeadLetterWriter } from './dead-letter.writer';
import { DeliveryLedger } from './delivery-ledger.service';
import { DeliveryService } from './delivery.service';
import { NotificationProcessor } from './notification.processor';
import { QueueJanitor } from './queue-janitor.service';
import { TokenLookup } from './token-lookup.service';

/** Consumes the notifications queue and delivers each event through FCM. */
@Module({
  imports: [FcmModule, HistoryModule],
  providers: [NotificationProcessor, DeliveryService, DeliveryHistory, DeliveryLedger, DeadLetterWriter, TokenLookup, QueueJanitor],
  exports: [NotificationProcessor],
})
export class DeliveryModule {}
