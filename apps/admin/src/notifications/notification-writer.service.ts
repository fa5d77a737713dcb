import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import {
  JobName,
  NOTIFICATIONS_QUEUE,
  type NotificationJobData,
  notificationJobId,
  notificationJobOptions,
  type QueueJobSpec,
  type RetryPolicy,
} from '@app/queue';

/**
 * - queued: a new job was added
 * - already-queued: the event's job is waiting or delayed, it will run anyway
 * - busy: the event's job is running right now; its outcome is not known yet, so nothing was done
 */
export type RequeueOutcome = 'queued' | 'already-queued' | 'busy';

const FINISHED = new Set(['completed', 'failed', 'unknown']);

/** The admin app's writer of the notifications queue: operator test pushes and dead-letter replays. */
@Injectable()
export class NotificationWriter {
  readonly policy: RetryPolicy;

  constructor(
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue<NotificationJobData>,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.policy = config.dispatch;
  }

  /** Adds a job for a new event; returns its job id. */
  async enqueue(data: NotificationJobData): Promise<string> {
    const jobId = notificationJobId(data.configId, data.event.eventId);
    await this.queue.add(JobName.Deliver, data, { ...notificationJobOptions(this.policy), jobId });
    return jobId;
  }

  /**
   * Puts an event back under its own job id. A finished job of the same id (kept for inspection)
   * would turn the add into a no-op, so it is removed first; a job still pending is left alone.
   */
  async requeue(spec: QueueJobSpec<NotificationJobData> & { jobId: string }): Promise<RequeueOutcome> {
    const existing = await this.queue.getJob(spec.jobId);
    if (existing) {
      const state = await existing.getState();
      if (state === 'active') return 'busy';
      if (!FINISHED.has(state)) return 'already-queued';
      // Another replay of the same event may have removed it first; the add below settles it.
      await existing.remove().catch(() => undefined);
    }
    await this.queue.add(spec.name, spec.data, spec.opts);
    return 'queued';
  }
}
