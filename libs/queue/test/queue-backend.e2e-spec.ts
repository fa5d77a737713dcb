import { getQueueToken } from '@nestjs/bullmq';
import { Test, type TestingModule } from '@nestjs/testing';
import { PostgresQueueBackend, type Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { AppConfigModule } from '@app/config';
import {
  JobName,
  NOTIFICATIONS_QUEUE,
  type NotificationJobData,
  notificationJobId,
  notificationJobOptions,
  QueueModule,
  usePostgresQueueBackend,
} from '@app/queue';
import { testConfig } from '../../../test/support/test-config';
import { axpEvent } from '../../../test/support/axp';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';

describe('QueueModule on the PostgreSQL backend (QUEUE_BACKEND=postgres)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let queue: Queue<NotificationJobData>;
  let worker: Worker<NotificationJobData> | undefined;
  const config = () => testConfig('ingest', { QUEUE_BACKEND: 'postgres', DATABASE_URL: db.url, DISPATCH_BACKOFF_MS: '10' });

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
    moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config()), QueueModule.forRoot('producer')],
    }).compile();
    await moduleRef.init();
    queue = moduleRef.get(getQueueToken(NOTIFICATIONS_QUEUE));
    await queue.waitUntilReady();
  });

  afterAll(async () => {
    await worker?.close();
    await moduleRef?.close();
    await db?.drop();
  });

  it('builds the queues on Postgres, with BullMQ tables in the database of DATABASE_URL', async () => {
    expect(queue.getBackend()).toBeInstanceOf(PostgresQueueBackend);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'bullmq'`,
      );
      expect(rows[0].n).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it('keeps the queue contract: a repeated job id is one job, and a failed attempt is retried', async () => {
    const policy = { maxAttempts: 3, backoffMs: 10 };
    const event = axpEvent();
    const jobId = notificationJobId('default', event.eventId);
    const job = {
      name: JobName.Deliver,
      data: { configId: 'default', event, receivedAt: new Date().toISOString() },
      opts: { ...notificationJobOptions(policy), jobId },
    };
    await queue.addBulk([job, job]);
    await queue.addBulk([job]);
    expect(await queue.getJobCounts('wait', 'delayed')).toEqual({ wait: 1, delayed: 0 });

    const attempts: number[] = [];
    const done = new Promise<NotificationJobData>((resolve) => {
      worker = new Worker<NotificationJobData>(
        NOTIFICATIONS_QUEUE,
        async (j) => {
          attempts.push(j.attemptsMade);
          if (j.attemptsMade === 0) throw new Error('transient');
          resolve(j.data);
        },
        { connection: usePostgresQueueBackend(config().database), concurrency: 1 },
      );
    });
    const delivered = await done;
    expect(delivered.event).toEqual(event);
    expect(attempts).toEqual([0, 1]);
  });
});
