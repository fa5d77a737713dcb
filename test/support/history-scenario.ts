/**
 * The delivery-history scenario shared by the e2e test, the fault suite (10,000 events) and the
 * browser test: a dispatcher and an admin app in this process on a private redis-server (so it may
 * be flushed), a fresh database and the FCM emulator; events with mixed outcomes, then FLUSHALL.
 */
import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type ConnectionOptions, Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { AppConfig } from '@app/config';
import { type FcmEmulator, startFcmEmulator } from '@app/fcm-emulator';
import { HistoryWriter, RegistrationRepository } from '@app/persistence';
import {
  JobName,
  NOTIFICATIONS_QUEUE,
  type NotificationJobData,
  notificationJobId,
  notificationJobOptions,
  redisOptions,
} from '@app/queue';
import { createAdminApp } from '../../apps/admin/src/admin.app';
import { createDispatcherApp } from '../../apps/dispatcher/src/dispatcher.app';
import { axpEvent } from './axp';
import { createTestDatabase, type TestDatabase } from './database';
import { removeDir, tempDir, waitFor } from './processes';
import { RedisServer } from './redis-server';
import { testConfig, uniquePrefix } from './test-config';

export type Kind = 'delivered' | 'pruned' | 'retried' | 'dead-lettered' | 'no-device';
export const KINDS: Kind[] = ['delivered', 'pruned', 'retried', 'dead-lettered', 'no-device'];

export interface SeededEvent {
  kind: Kind;
  eventId: string;
  sessionId: string;
  customerId: string;
  tokens: string[];
  /** Event outcome and each device's outcomes in order, as the history must show them. */
  outcome: string;
  deviceOutcomes: string[];
}

/** Tokens long enough to be masked, named for the emulator's behaviour. */
const token = (behaviour: string) => `${behaviour}${randomUUID()}:APA91b${randomUUID().replaceAll('-', '')}`;

function seed(kind: Kind, i: number): SeededEvent {
  const base = { kind, eventId: `hist-${i}-${randomUUID()}`, sessionId: `sess-${randomUUID()}`, customerId: `cust-${i}-${randomUUID().slice(0, 8)}` };
  switch (kind) {
    case 'delivered':
      return { ...base, tokens: [token('ok-'), token('ok-')], outcome: 'delivered', deviceOutcomes: ['delivered', 'delivered'] };
    case 'pruned':
      return { ...base, tokens: [token('unregistered-')], outcome: 'pruned', deviceOutcomes: ['pruned'] };
    case 'retried':
      return { ...base, tokens: [token('internal-1x-')], outcome: 'delivered', deviceOutcomes: ['retrying', 'delivered'] };
    case 'dead-lettered':
      return { ...base, tokens: [token('internal-')], outcome: 'dead-lettered', deviceOutcomes: ['retrying', 'retrying', 'dead-lettered'] };
    case 'no-device':
      return { ...base, tokens: [], outcome: 'no-device', deviceOutcomes: [] };
  }
}

export class HistoryScenario {
  readonly events: SeededEvent[] = [];
  /** Jobs queued since Redis was last flushed (the queue's counts start again from zero then). */
  private queued = 0;

  private constructor(
    readonly redis: RedisServer,
    readonly emulator: FcmEmulator,
    readonly database: TestDatabase,
    readonly dispatcher: NestFastifyApplication,
    readonly admin: NestFastifyApplication,
    private readonly queue: Queue<NotificationJobData>,
    private readonly logDir: string,
    readonly adminCredentials: { username: string; password: string },
    private readonly policy: AppConfig['dispatch'],
  ) {}

  static async start(adminCredentials = { username: 'admin', password: 'admin-password' }): Promise<HistoryScenario> {
    const logDir = tempDir('history');
    const redis = await RedisServer.start(logDir);
    const emulator = await startFcmEmulator();
    const database = await createTestDatabase();
    const shared = {
      REDIS_URL: redis.url,
      QUEUE_PREFIX: uniquePrefix('history'),
      DATABASE_URL: database.url,
      ADMIN_USERNAME: adminCredentials.username,
      ADMIN_PASSWORD: adminCredentials.password,
    };
    const dispatcherConfig = testConfig('dispatcher', {
      ...shared,
      FCM_EMULATOR_HOST: `127.0.0.1:${emulator.port}`,
      DISPATCH_BACKOFF_MS: '10',
      DISPATCH_MAX_ATTEMPTS: '3',
      DISPATCH_CONCURRENCY: '50',
      DATABASE_POOL_SIZE: '20',
      PORT: '0',
    });
    const dispatcher = await createDispatcherApp(dispatcherConfig);
    await dispatcher.init();
    const admin = await createAdminApp(testConfig('admin', { ...shared, PORT: '0' }));
    await admin.init();
    await admin.getHttpAdapter().getInstance().ready();
    const connection = redisOptions(dispatcherConfig.redis, 'worker') as ConnectionOptions;
    const queue = new Queue<NotificationJobData>(NOTIFICATIONS_QUEUE, { connection, prefix: dispatcherConfig.queue.prefix });
    return new HistoryScenario(redis, emulator, database, dispatcher, admin, queue, logDir, adminCredentials, dispatcherConfig.dispatch);
  }

  /** Registers and queues `count` events, a fifth of each kind, as the ingest would queue them. */
  async seed(count: number): Promise<void> {
    const registrations = this.dispatcher.get(RegistrationRepository);
    const fresh = Array.from({ length: count }, (_, i) => seed(KINDS[i % KINDS.length], this.events.length + i));
    for (let start = 0; start < fresh.length; start += 200) {
      const chunk = fresh.slice(start, start + 200);
      // A few at a time: the pool's 3 s wait for a connection is for an app, not for a seeding burst.
      const inputs = chunk.flatMap((e) =>
        e.tokens.map((deviceToken, n) => ({ configId: 'default', deviceToken, sessionId: e.sessionId, platform: n % 2 ? ('ios' as const) : ('android' as const) })),
      );
      for (let i = 0; i < inputs.length; i += 8) await Promise.all(inputs.slice(i, i + 8).map((input) => registrations.upsert(input)));
      await this.queue.addBulk(
        chunk.map((e) => {
          const event = axpEvent({ eventId: e.eventId, sessionId: e.sessionId, customerId: e.customerId });
          const data: NotificationJobData = { configId: 'default', event, receivedAt: new Date().toISOString() };
          return { name: JobName.Deliver, data, opts: { ...notificationJobOptions(this.policy), jobId: notificationJobId('default', e.eventId) } };
        }),
      );
    }
    this.events.push(...fresh);
    this.queued += fresh.length;
  }

  /** Waits for every job queued since the last flush to finish, and for the history to be written. */
  async settle(timeoutMs = 600_000): Promise<void> {
    await waitFor(
      'every notification job finished',
      async () => {
        const counts = await this.queue.getJobCounts('completed', 'failed');
        return counts.completed + counts.failed >= this.queued;
      },
      timeoutMs,
      250,
    );
    await this.dispatcher.get(HistoryWriter).drain();
  }

  /** Waits for every job to finish and the history to be written, then empties Redis entirely. */
  async settleAndFlushRedis(timeoutMs = 600_000): Promise<void> {
    await this.settle(timeoutMs);
    this.queued = 0;
    const client = new IORedis(this.redis.url, { maxRetriesPerRequest: 1 });
    try {
      await client.flushall();
      if ((await client.dbsize()) !== 0) throw new Error('FLUSHALL left keys behind');
    } finally {
      client.disconnect();
    }
  }

  authHeader(): { authorization: string } {
    const { username, password } = this.adminCredentials;
    return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  }

  async get(url: string): Promise<{ status: number; body: string; json: () => Record<string, unknown> }> {
    const res = await this.admin.inject({ method: 'GET', url, headers: this.authHeader() });
    return { status: res.statusCode, body: res.body, json: () => res.json() };
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    await this.admin.close().catch(() => undefined);
    await this.dispatcher.close().catch(() => undefined);
    await this.emulator.close().catch(() => undefined);
    await this.redis.destroy().catch(() => undefined);
    await this.database.drop().catch(() => undefined);
    removeDir(this.logDir);
  }
}

/** The problems with the history of `e` as the API shows it; empty when it is right. */
export async function checkEvent(scenario: HistoryScenario, e: SeededEvent): Promise<string[]> {
  const problems: string[] = [];
  const one = await scenario.get(`/admin/api/events/default/${encodeURIComponent(e.eventId)}`);
  if (one.status !== 200) return [`${e.eventId}: GET one answered ${one.status}`];
  const body = one.json() as { outcome: string; devices: Array<{ token: string; outcome: string; code?: string; messageName?: string }> };
  if (body.outcome !== e.outcome) problems.push(`${e.eventId} (${e.kind}): outcome ${body.outcome}, expected ${e.outcome}`);
  const outcomes = body.devices.map((d) => d.outcome);
  if (outcomes.join() !== e.deviceOutcomes.join()) {
    problems.push(`${e.eventId} (${e.kind}): devices ${outcomes.join()}, expected ${e.deviceOutcomes.join()}`);
  }
  if (e.kind === 'pruned' && body.devices[0]?.code === undefined) problems.push(`${e.eventId}: pruned without FCM's code`);
  if (e.kind === 'delivered' && !body.devices.every((d) => d.messageName)) problems.push(`${e.eventId}: delivered without a message name`);
  for (const [field, value] of [['sessionId', e.sessionId], ['customerId', e.customerId], ['eventId', e.eventId]] as const) {
    const found = await scenario.get(`/admin/api/events?${field}=${encodeURIComponent(value)}`);
    const events = (found.json().events ?? []) as Array<{ eventId: string; outcome: string }>;
    if (!events.some((x) => x.eventId === e.eventId && x.outcome === e.outcome)) problems.push(`${e.eventId}: not found by ${field}`);
  }
  return problems;
}
