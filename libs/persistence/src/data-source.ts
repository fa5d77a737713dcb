import { DataSource, type DataSourceOptions } from 'typeorm';
import type { AppConfig } from '@app/config';
import { MIGRATIONS } from './migrations';
import { OutboxEntity } from './outbox.entity';
import { RegistrationEntity } from './registration.entity';

export const ENTITIES = [RegistrationEntity, OutboxEntity];

/**
 * Options shared by the apps and the migration CLI. Bounded waits everywhere: a request must never
 * hang on a Postgres that is away (the API answers 503 instead).
 */
export function dataSourceOptions(database: AppConfig['database']): DataSourceOptions {
  return {
    type: 'postgres',
    url: database.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: {
      max: database.poolSize,
      connectionTimeoutMillis: 3_000,
      idleTimeoutMillis: 30_000,
      query_timeout: 10_000,
      statement_timeout: 10_000,
    },
  };
}

export function createDataSource(database: AppConfig['database']): DataSource {
  return new DataSource(dataSourceOptions(database));
}
