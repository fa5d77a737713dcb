import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import {
  DEAD_LETTER_QUEUE,
  type DeadLetterJobData,
  type DeadLetterReason,
  deadLetterJob,
  type NotificationJobData,
} from '@app/queue';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { maskToken } from '@app/observability';

export interface DeadLetterInput {
  reason: DeadLetterReason;
  lastError: string;
  undeliveredTokens?: string[];
  /** What to keep instead of the job's own data, when that data is not a notification (see DeliveryService). */
  data?: NotificationJobData;
}

/**
 * The dispatcher's only writer of the dead-letter queue. The entry's job id comes from the source
 * job (its id and creation time), so writing it again after a crash is a no-op, while a later replay
 * of the same event that fails again gets an entry of its own.
 */
@Injectable()
export class DeadLetterWriter {
  private readonly logger = new Logger(DeadLetterWriter.name);

  constructor(
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly queue: Queue<DeadLetterJobData>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  static entryId(job: Job<NotificationJobData>): string {
    return `${job.id ?? 'unknown'}@${job.timestamp}`;
  }

  async write(job: Job<NotificationJobData>, input: DeadLetterInput): Promise<string> {
    const { pendingTokens: _pending, ...notification } = input.data ?? job.data;
    const data: DeadLetterJobData = {
      ...notification,
      reason: input.reason,
      lastError: input.lastError,
      attempts: job.attemptsMade + 1,
      sourceJobId: job.id ?? 'unknown',
      deadLetteredAt: new Date().toISOString(),
      ...(input.undeliveredTokens?.length ? { undeliveredTokens: input.undeliveredTokens } : {}),
    };
    const spec = deadLetterJob(data, this.config.dispatch.retention);
    const jobId = DeadLetterWriter.entryId(job);
    await this.queue.add(spec.name, spec.data, { ...spec.opts, jobId });
    this.logger.warn(
      {
        configId: data.configId,
        eventId: data.event.eventId,
        reason: data.reason,
        attempts: data.attempts,
        undelivered: (input.undeliveredTokens ?? []).map(maskToken),
      },
      `event ${data.event.eventId} dead-lettered (${data.reason}): ${data.lastError}`,
    );
    return jobId;
  }
}
