import { randomUUID } from 'node:crypto';
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Job, Queue } from 'bullmq';
import type { AppConfig } from '@app/config';
import {
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  deadLetterJob,
  NOTIFICATIONS_QUEUE,
  type NotificationJobData,
  notificationJobId,
} from '@app/queue';
import { createAdminApp } from '../src/admin.app';
import { axpEvent } from '../../../test/support/axp';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { deleteQueueKeys } from '../../../test/support/redis';
import { testConfig } from '../../../test/support/test-config';

export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'admin-password';

export function basicAuth(user = ADMIN_USER, password = ADMIN_PASSWORD): { authorization: string } {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

export interface AdminTestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  notifications: Queue<NotificationJobData>;
  deadLetter: Queue<DeadLetterJobData>;
  close(): Promise<void>;
}

/** The admin app on the local Redis (private prefix) and a fresh Postgres database. */
export async function bootAdmin(env: Record<string, string> = {}): Promise<AdminTestApp> {
  const db: TestDatabase = await createTestDatabase();
  const config = testConfig('admin', {
    DATABASE_URL: db.url,
    ADMIN_USERNAME: ADMIN_USER,
    ADMIN_PASSWORD: ADMIN_PASSWORD,
    ...env,
  });
  const app = await createAdminApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    notifications: app.get(getQueueToken(NOTIFICATIONS_QUEUE)),
    deadLetter: app.get(getQueueToken(DEAD_LETTER_QUEUE)),
    close: async () => {
      await app.close();
      await deleteQueueKeys(config.queue.prefix);
      await db.drop();
    },
  };
}

/** A dead-letter entry as the dispatcher writes it after giving up on an event. */
export function deadLetterData(overrides: Partial<DeadLetterJobData> = {}): DeadLetterJobData {
  const event = overrides.event ?? axpEvent();
  const configId = overrides.configId ?? 'default';
  return {
    configId,
    event,
    receivedAt: new Date(Date.now() - 60_000).toISOString(),
    reason: 'exhausted',
    lastError: 'messaging/server-unavailable: The service is currently unavailable',
    attempts: 8,
    sourceJobId: notificationJobId(configId, event.eventId),
    deadLetteredAt: new Date().toISOString(),
    undeliveredTokens: [`token-${randomUUID()}`],
    ...overrides,
  };
}

export async function writeDeadLetter(
  queue: Queue<DeadLetterJobData>,
  overrides: Partial<DeadLetterJobData> = {},
): Promise<Job<DeadLetterJobData>> {
  const spec = deadLetterJob(deadLetterData(overrides));
  // Ids like the dispatcher's: the source job id (configId/eventId) and its creation time.
  return queue.add(spec.name, spec.data, { ...spec.opts, jobId: `${spec.data.sourceJobId}@${Date.now()}` });
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Resolves once the admin app has parked the entry (moved it to failed for an operator). */
export function parked(queue: Queue<DeadLetterJobData>, id: string): Promise<true> {
  return waitFor(`entry ${id} to be parked`, async () => (await queue.getJobState(id)) === 'failed');
}
