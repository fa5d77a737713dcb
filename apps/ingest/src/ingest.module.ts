import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { QueueModule } from '@app/queue';
import { CallbackModule } from './callback/callback.module';
import { HealthModule } from './health/health.module';

/** The internet-facing app: AXP callbacks and the device-registration API. */
@Module({})
export class IngestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        AppConfigModule.forRoot(config),
        QueueModule.forRoot('producer'),
        PersistenceModule.forRoot(),
        CallbackModule,
        HealthModule,
      ],
    };
  }
}
