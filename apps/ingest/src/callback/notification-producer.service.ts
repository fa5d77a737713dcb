import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JobsOptions, Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  confirmReplicas,
  JobName,
  NOTIFICATIONS_QUEUE,
  type NotificationJobData,
  notificationJobId,
  notificationJobOptions,
} from '@app/queue';

/** Most jobs written in one `addBulk` round trip. */
export const MAX_BATCH_SIZE = 200;

export class EnqueueTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the queue did not take the event within ${timeoutMs} ms`);
    this.name = 'EnqueueTimeoutError';
  }
}

interface PendingJob {
  data: NotificationJobData;
  resolve: () => void;
  reject: (error: Error) => void;
}

/**
 * The only writer of the notifications queue. Callbacks that arrive together share one `addBulk`
 * round trip: jobs gathered during one turn of the event loop are flushed on the next, and each
 * caller's promise settles only once Redis has stored its batch.
 */
@Injectable()
export class NotificationProducer {
  private pending: PendingJob[] = [];
  private flushScheduled = false;
  private readonly jobOptions;
  private readonly timeoutMs: number;
  private readonly replicasAck: { wanted: number; timeoutMs: number };
  private readonly logger = new Logger(NotificationProducer.name);
  private lastErrorLoggedAt = 0;

  constructor(
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue<NotificationJobData>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.jobOptions = notificationJobOptions(config.dispatch);
    this.timeoutMs = config.ingest.enqueueTimeoutMs;
    this.replicasAck = { wanted: config.redis.minReplicasAck, timeoutMs: config.redis.replicasAckTimeoutMs };
    // Connection errors surface as failed enqueues; log them at most every 10 s, not per retry.
    this.queue.on('error', (error: Error) => {
      if (Date.now() - this.lastErrorLoggedAt < 10_000) return;
      this.lastErrorLoggedAt = Date.now();
      this.logger.warn(`queue connection: ${error.message}`);
    });
  }

  /** Resolves once the job is stored in Redis; rejects when it is not stored within the deadline. */
  enqueue(data: NotificationJobData): Promise<void> {
    const stored = new Promise<void>((resolve, reject) => {
      this.pending.push({ data, resolve, reject });
      if (this.pending.length >= MAX_BATCH_SIZE) {
        this.flush();
      } else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
    return withDeadline(stored, this.timeoutMs);
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    // Each job is built on its own: one item that cannot be (whatever its data) fails its own
    // caller alone, never the batch, and never outside a handler, where it would end the process.
    const batch: PendingJob[] = [];
    const jobs: Array<{ name: typeof JobName.Deliver; data: NotificationJobData; opts: JobsOptions }> = [];
    for (const job of pending) {
      try {
        const jobId = notificationJobId(job.data.configId, job.data.event.eventId);
        jobs.push({ name: JobName.Deliver, data: job.data, opts: { ...this.jobOptions, jobId } });
        batch.push(job);
      } catch (error) {
        job.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    if (jobs.length === 0) return;
    // Promise.resolve().then: a synchronous throw inside addBulk becomes a rejection of this batch.
    // A batch of one (a quiet ingest: every callback) is one add(): addBulk's ioredis pipeline copies
    // each of BullMQ's ~50 scripts onto itself when it is built, which then cost more than the job.
    Promise.resolve()
      .then(async () => {
        if (jobs.length === 1) await this.queue.add(jobs[0].name, jobs[0].data, jobs[0].opts);
        else await this.queue.addBulk(jobs);
      })
      // One WAIT per batch (REDIS_MIN_REPLICAS_ACK): a batch no replica confirmed fails like a
      // refused one, so the intake parks it in the outbox before answering 202.
      .then(() => this.confirmReplicas())
      .then(
        () => batch.forEach((job) => job.resolve()),
        (error: unknown) => {
          const reason = error instanceof Error ? error : new Error(String(error));
          batch.forEach((job) => job.reject(reason));
        },
      );
  }

  private async confirmReplicas(): Promise<void> {
    const { wanted, timeoutMs } = this.replicasAck;
    if (wanted > 0) await confirmReplicas(this.queue, wanted, timeoutMs);
  }
}

function withDeadline(promise: Promise<void>, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new EnqueueTimeoutError(timeoutMs)), timeoutMs);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (error: Error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
