import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { dataSourceOptions } from './data-source';
import { OutboxRepository } from './outbox.repository';
import { RegistrationRepository } from './registration.repository';

/** TypeORM on Postgres (pooled, bounded waits), the registration repository and the intake outbox. */
@Module({})
export class PersistenceModule {
  static forRoot(): DynamicModule {
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({ ...dataSourceOptions(config.database), retryAttempts: 3, retryDelay: 1_000 }),
        }),
      ],
      providers: [RegistrationRepository, OutboxRepository],
      exports: [RegistrationRepository, OutboxRepository],
    };
  }
}
