/**
 * A real dispatcher for integration tests: its own Postgres database, queue prefix and FCM emulator
 * (port 0), real firebase-admin through libs/fcm. Helpers register tokens, enqueue jobs and wait for them.
 */
import { getQueueToken } from '@nestjs/bullmq';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type ConnectionOptions, type Job, Queue } from 'bullmq';
import type { AppConfig, Env, Platform } from '@app/config';
import { type FcmEmulator, startFcmEmulator } from '@app/fcm-emulator';
import { RegistrationRepository } from '@app/persistence';
import {
  type AxpEvent,
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  JobName,
  NOTIFICATIONS_QUEUE,
  type NotificationJobData,
  notificationJobId,
  notificationJobOptions,
  redisOptions,
} from '@app/queue';
import { createDispatcherApp } from '../src/dispatcher.app';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { deleteQueueKeys } from '../../../test/support/redis';
import { testConfig } from '../../../test/support/test-config';
import { axpEvent } from '../../../test/support/axp';

export interface Finished {
  state: 'completed' | 'failed';
  job: Job<NotificationJobData>;
}

export class DispatcherHarness {
  private closed = false;

  private constructor(
    readonly config: AppConfig,
    readonly app: NestFastifyApplication,
    readonly emulator: FcmEmulator,
    readonly database: TestDatabase,
    /** Connections of the test itself, so they outlive the app (for the shutdown test). */
    readonly queue: Queue<NotificationJobData>,
    readonly deadLetters: Queue<DeadLetterJobData>,
  ) {}

  static async start(env: Env = {}): Promise<DispatcherHarness> {
    const emulator = await startFcmEmulator();
    const database = await createTestDatabase();
    const config = testConfig('dispatcher', {
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '4',
      FCM_EMULATOR_HOST: `127.0.0.1:${emulator.port}`,
      DISPATCH_BACKOFF_MS: '10',
      DISPATCH_MAX_ATTEMPTS: '3',
      DISPATCH_CONCURRENCY: '20',
      PORT: '0',
      ...env,
    });
    const app = await createDispatcherApp(config);
    await app.init();
    const connection = redisOptions(config.redis, 'worker') as ConnectionOptions;
    const queue = new Queue<NotificationJobData>(NOTIFICATIONS_QUEUE, { connection, prefix: config.queue.prefix });
    const deadLetters = new Queue<DeadLetterJobData>(DEAD_LETTER_QUEUE, { connection, prefix: config.queue.prefix });
    return new DispatcherHarness(config, app, emulator, database, queue, deadLetters);
  }

  get registrations(): RegistrationRepository {
    return this.app.get(RegistrationRepository);
  }

  /** The queue as the app sees it (closed with the app). */
  appQueue(): Queue<NotificationJobData> {
    return this.app.get(getQueueToken(NOTIFICATIONS_QUEUE));
  }

  async register(sessionId: string, tokens: Array<string | { token: string; platform: Platform }>, configId = 'default') {
    for (const entry of tokens) {
      const { token, platform } = typeof entry === 'string' ? { token: entry, platform: 'android' as const } : entry;
      await this.registrations.upsert({ configId, deviceToken: token, sessionId, platform });
    }
  }

  /** Adds a job the way the ingest does (same id and options); returns its id. */
  async enqueue(event: AxpEvent = axpEvent(), extra: Partial<NotificationJobData> = {}): Promise<string> {
    const data: NotificationJobData = { configId: 'default', event, receivedAt: new Date().toISOString(), ...extra };
    const jobId = notificationJobId(data.configId, event.eventId);
    await this.queue.add(JobName.Deliver, data, { ...notificationJobOptions(this.config.dispatch), jobId });
    return jobId;
  }

  async finished(jobId: string, timeoutMs = 20_000): Promise<Finished> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await this.queue.getJobState(jobId);
      if (state === 'completed' || state === 'failed') {
        return { state, job: (await this.queue.getJob(jobId)) as Job<NotificationJobData> };
      }
      if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async deadLetterEntries(): Promise<DeadLetterJobData[]> {
    const jobs = await this.deadLetters.getJobs(['wait', 'active', 'failed', 'completed', 'delayed']);
    return jobs.map((job) => job.data);
  }

  async closeApp(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.app.close();
  }

  async close(): Promise<void> {
    await this.closeApp();
    await Promise.all([this.queue.close(), this.deadLetters.close(), this.emulator.close()]);
    await this.database.drop();
    await deleteQueueKeys(this.config.queue.prefix);
  }
}
