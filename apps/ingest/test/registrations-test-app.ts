import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig, Env } from '@app/config';
import { createIngestApp } from '../src/ingest.app';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { deleteQueueKeys } from '../../../test/support/redis';
import { TEST_API_KEY, testConfig } from '../../../test/support/test-config';

export interface RegistrationsTestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  db: TestDatabase;
  /** A JSON request to the app; `Authorization: Bearer <test key>` unless `headers` says otherwise. */
  call(
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string | undefined>,
  ): ReturnType<NestFastifyApplication['inject']>;
  close(): Promise<void>;
}

/** An ingest on a fresh, migrated database of its own and a private queue prefix. */
export async function startRegistrationsApp(env: Env = {}): Promise<RegistrationsTestApp> {
  const db = await createTestDatabase();
  const config = testConfig('ingest', { DATABASE_URL: db.url, ...env });
  const app = await createIngestApp(config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    config,
    db,
    call: (method, url, body, headers = {}) => {
      const all: Record<string, string> = { authorization: `Bearer ${TEST_API_KEY}` };
      if (body !== undefined) all['content-type'] = 'application/json';
      for (const [name, value] of Object.entries(headers)) {
        if (value === undefined) delete all[name];
        else all[name] = value;
      }
      return app.inject({
        method,
        url,
        headers: all,
        ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
    },
    close: async () => {
      await app.close();
      await deleteQueueKeys(config.queue.prefix);
      await db.drop();
    },
  };
}

/** A token shaped like today's FCM tokens: "<instance id>:APA91b<base64url>". */
export function fcmToken(): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const pick = (n: number) => Array.from({ length: n }, () => chars[Math.floor(Math.random() * chars.length)]).join('');
  return `${pick(22)}:APA91b${pick(134)}`;
}
