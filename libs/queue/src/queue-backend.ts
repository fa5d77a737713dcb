/**
 * The PostgreSQL queue backend (QUEUE_BACKEND=postgres): BullMQ 6's own backend, for development and
 * small single-node installs without Redis. Production runs on Redis; this is never the throughput path.
 */
import { type ConnectionOptions, createPostgresBackend, setDefaultBackendFactory } from 'bullmq';
import type { AppConfig } from '@app/config';

/** Pool size of each Queue/Worker: every app opens a few of them, next to its TypeORM pool. */
export const POSTGRES_QUEUE_POOL_SIZE = 4;

/**
 * Points every Queue and Worker of this process at Postgres and returns their connection. Must run
 * before the first Queue is built; `migrate: true` lets the first app to start create BullMQ's schema
 * (the backend serialises concurrent migrations with an advisory lock).
 */
export function usePostgresQueueBackend(database: AppConfig['database']): ConnectionOptions {
  setDefaultBackendFactory(createPostgresBackend);
  const connection = { connectionString: database.url, migrate: true, max: POSTGRES_QUEUE_POOL_SIZE };
  // The Nest/BullMQ option types name Redis options; the Postgres backend reads this shape instead.
  return connection as unknown as ConnectionOptions;
}
