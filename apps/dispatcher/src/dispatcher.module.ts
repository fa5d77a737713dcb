import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule, type AppConfig } from '@app/config';
import { LoggingModule, MetricsModule } from '@app/observability';
import { ConfigurationSyncModule, PersistenceModule } from '@app/persistence';
import { QueueModule } from '@app/queue';
import { DeliveryModule } from './delivery/delivery.module';
import { HealthModule } from './health/health.module';

/** The worker app: consumes the notifications queue and pushes through FCM; serves health (and metrics) on its own port. */
@Module({})
export class DispatcherModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [
        AppConfigModule.forRoot(config),
        // No request-scoped logger: the health probes would switch on AsyncLocalStorage's promise
        // hooks for the whole process, a cost every job then pays.
        LoggingModule.forRoot(config, { requestScoped: false }),
        // Queue depth is reported by the admin app only (one source for dashboards and autoscaling).
        MetricsModule.forRoot(),
        QueueModule.forRoot('worker'),
        PersistenceModule.forRoot(),
        ConfigurationSyncModule,
        DeliveryModule,
        HealthModule,
      ],
    };
  }
}
