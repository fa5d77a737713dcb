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
export function dataSourceOptions(
  database: AppConfig['database'],
  { longStatements = false }: { longStatements?: boolean } = {},
): DataSourceOptions {
  // Every app query is a single-row or indexed one: 3 s means Postgres is away, not busy.
  const statementTimeoutMs = longStatements ? 0 : 3_000;
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
      query_timeout: statementTimeoutMs || undefined,
      statement_timeout: statementTimeoutMs,
    },
  };
}

/** `longStatements`: no statement timeout, for migrations (an index build on a large table takes time). */
export function createDataSource(database: AppConfig['database'], options: { longStatements?: boolean } = {}): DataSource {
  return new DataSource(dataSourceOptions(database, options));
}
