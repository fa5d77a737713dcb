import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '@app/config';
import { LoggingModule, MetricsModule } from '@app/observability';
import { ConfigurationSyncModule, PersistenceModule } from '@app/persistence';
import { QueueModule } from '@app/queue';
import { CallbackModule } from './callback/callback.module';
import { HealthModule } from './health/health.module';
import { RegistrationsModule } from './registrations/registrations.module';

/** The internet-facing app: AXP callbacks and the device-registration API. */
@Module({})
export class IngestModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        AppConfigModule.forRoot(config),
        // The callback path logs its own line (callback-telemetry.ts); no route needs a request-scoped logger.
        LoggingModule.forRoot(config, { requestScoped: false }),
        MetricsModule.forRoot(),
        QueueModule.forRoot('producer'),
        // The callback path works without Postgres, so the ingest starts (and keeps connecting) without it.
        PersistenceModule.forRoot({ connectInBackground: true }),
        ConfigurationSyncModule,
        CallbackModule,
        RegistrationsModule,
        HealthModule,
      ],
    };
  }
}
