import { Module } from '@nestjs/common';
import { FcmAppRegistry } from './fcm-app.registry';
import { FcmSender } from './fcm-sender.service';

/** The FCM transport: firebase-admin apps per configuration and the per-token sender. Needs AppConfigModule. */
@Module({
  providers: [FcmAppRegistry, FcmSender],
  exports: [FcmAppRegistry, FcmSender],
})
export class FcmModule {}
