import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DatabaseConnector } from './database-connector.service';
import { DeliveryLedgerRepository } from './delivery-ledger.repository';
import { dataSourceOptions } from './data-source';
import { OutboxRepository } from './outbox.repository';
import { RegistrationRepository } from './registration.repository';

/** TypeORM on Postgres (pooled, bounded waits), the registration repository and the intake outbox. */
@Module({})
export class PersistenceModule {
  /**
   * `connectInBackground`: start without Postgres and keep connecting (DatabaseConnector); queries
   * fail fast until connected. Otherwise the app's start waits for the connection (3 attempts).
   */
  static forRoot(options: { connectInBackground?: boolean } = {}): DynamicModule {
    const background = options.connectInBackground === true;
    return {
      module: PersistenceModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.database),
            ...(background ? { manualInitialization: true } : { retryAttempts: 3, retryDelay: 1_000 }),
          }),
        }),
      ],
      providers: [RegistrationRepository, OutboxRepository, DeliveryLedgerRepository, ...(background ? [DatabaseConnector] : [])],
      exports: [RegistrationRepository, OutboxRepository, DeliveryLedgerRepository, ...(background ? [DatabaseConnector] : [])],
    };
  }
}
