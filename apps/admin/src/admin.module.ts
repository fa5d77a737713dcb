import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '@app/config';
import { LoggingModule, MetricsModule } from '@app/observability';
import { ConfigurationSyncModule, PersistenceModule } from '@app/persistence';
import { QueueModule } from '@app/queue';
import { ConfigurationsModule } from './configurations/configurations.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { DeadLetterModule } from './dead-letter/dead-letter.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { TestPushModule } from './test-push/test-push.module';

/**
 * The internal operations app: queue dashboard, dead-letter replay, test pushes, metrics. Never
 * internet-facing; everything under /admin sits behind the basic-auth hook of admin.app.ts.
 */
@Module({})
export class AdminModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AdminModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        MetricsModule.forRoot({ queueDepth: true }),
        QueueModule.forRoot('producer'),
        PersistenceModule.forRoot(),
        ConfigurationSyncModule,
        DashboardModule,
        DeadLetterModule,
        EventsModule,
        TestPushModule,
        ConfigurationsModule,
        HealthModule,
      ],
    };
  }
}
