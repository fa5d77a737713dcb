/**
 * Gets the dev database ready before any app starts: the database itself, the app's migrations and,
 * for QUEUE_BACKEND=postgres, BullMQ's schema, so a problem shows once here rather than in three apps.
 */
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { createDataSource } from '@app/persistence';
import { NOTIFICATIONS_QUEUE, usePostgresQueueBackend } from '@app/queue';

/** `url` with its database replaced by `name`. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates database `name` on the server of `adminUrl` unless it exists; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<{ url: string; created: boolean }> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    return { url: withDatabase(adminUrl, name), created: !rowCount };
  } finally {
    await client.end();
  }
}

/** Applies pending migrations; returns the names of those applied. */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = createDataSource({ url, poolSize: 2 });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/** Creates (or upgrades) BullMQ's tables in `url`, as each app would on its first queue. */
export async function prepareQueueSchema(url: string): Promise<void> {
  const queue = new Queue(NOTIFICATIONS_QUEUE, { connection: usePostgresQueueBackend({ url, poolSize: 1 }) });
  try {
    await queue.waitUntilReady();
  } finally {
    await queue.close();
  }
}
