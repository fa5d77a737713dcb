import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { type BeforeApplicationShutdown, Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import type { Logger as PinoLogger } from 'pino';
import { createEventLogger, PushMetrics } from '@app/observability';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { HistoryWriter } from '@app/persistence';
import { NOTIFICATIONS_QUEUE, type NotificationJobData } from '@app/queue';
import type { DeliveryResult } from './delivery-result';
import { DeliveryService } from './delivery.service';

/**
 * The notifications queue's worker; delivery itself is DeliveryService's. The worker starts only once
 * the whole app is up (concurrency from DISPATCH_CONCURRENCY; the decorator's options are static) and,
 * on shutdown, stops taking jobs and finishes those in flight while Postgres, Redis and FCM are still open.
 */
@Processor(NOTIFICATIONS_QUEUE, { autorun: false })
export class NotificationProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotificationProcessor.name);
  private lastErrorLoggedAt = 0;
  /** The per-job outcome line: ids only, so it skips the redaction pass of the app logger. */
  private readonly events: PinoLogger;

  constructor(
    private readonly delivery: DeliveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: PushMetrics,
    private readonly history: HistoryWriter,
  ) {
    super();
    this.events = createEventLogger(config, NotificationProcessor.name);
  }

  process(job: Job<NotificationJobData>, token?: string): Promise<DeliveryResult> {
    return this.delivery.deliver(job, token);
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.dispatch.concurrency;
    this.worker.run().catch((error: Error) => this.logger.error(`worker stopped: ${error.message}`));
    this.logger.log(`consuming ${NOTIFICATIONS_QUEUE} with concurrency ${this.worker.concurrency}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
    // The jobs just finished left history rows in the buffer: written while Postgres is still open.
    await this.history.drain();
  }

  /** One metric sample and one log line per job outcome. */
  @OnWorkerEvent('completed')
  onCompleted(job: Job<NotificationJobData>, result: DeliveryResult): void {
    this.metrics.jobOutcome(result.outcome);
    // One object for the line, not two spreads: it is written for every job.
    const fields = Object.assign(jobFields(job), result);
    this.events.info(fields, `event ${fields.eventId}: ${result.outcome}`);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<NotificationJobData> | undefined, error: Error): void {
    if (!job || error.name === 'DelayedError') return;
    // UnrecoverableError: DeliveryService has written the dead-letter entry before failing the job.
    const outcome = error.name === 'UnrecoverableError' ? 'dead-lettered' : 'retried';
    this.metrics.jobOutcome(outcome);
    const fields = { ...jobFields(job), outcome, attemptsMade: job.attemptsMade };
    if (outcome === 'dead-lettered') this.events.warn(fields, `event ${fields.eventId}: dead-lettered: ${error.message}`);
    else this.events.info(fields, `event ${fields.eventId}: attempt ${job.attemptsMade} will be retried: ${error.message}`);
  }

  /** Connection errors repeat on every reconnect attempt: log them at most every 10 s. */
  @OnWorkerEvent('error')
  onError(error: Error): void {
    if (Date.now() - this.lastErrorLoggedAt < 10_000) return;
    this.lastErrorLoggedAt = Date.now();
    this.logger.warn(`worker: ${error.message}`);
  }
}

/** Read defensively: these run in worker event listeners, where a throw on a malformed job would end the process. */
function jobFields(job: Job<NotificationJobData>) {
  const data = (job.data ?? {}) as Partial<NotificationJobData>;
  const event = (data.event ?? {}) as Partial<NotificationJobData['event']>;
  return { jobId: job.id, configId: data.configId, eventId: event.eventId, sessionId: event.sessionId };
}
