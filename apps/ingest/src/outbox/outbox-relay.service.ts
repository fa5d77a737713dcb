import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PushMetrics } from '@app/observability';
import { type OutboxEntry, OutboxRepository } from '@app/persistence';
import { type NotificationJobData, notificationDataProblem } from '@app/queue';
import { NotificationProducer } from '../callback/notification-producer.service';

export const RELAY_INTERVAL_MS = 1_000;
export const RELAY_BATCH_SIZE = 500;

/**
 * Moves events parked in the outbox into the queue once Redis takes them again, then deletes
 * them. Rows are claimed with SKIP LOCKED, so every ingest replica may relay at the same time.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private lastErrorLoggedAt = 0;

  constructor(
    private readonly outbox: OutboxRepository,
    private readonly producer: NotificationProducer,
    private readonly metrics: PushMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relayOnce(), RELAY_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => 0);
  }

  /** One pass: relays batches until the outbox is empty or a store refuses. Returns rows moved. */
  relayOnce(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.drainAll().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Enqueues a batch of rows; any refusal keeps the whole batch (rolled back, tried again). A row
   * that can never become a job (written by hand or by an older version) would block the outbox for
   * good: it is logged in full and deleted with the batch instead.
   */
  private async move(entries: OutboxEntry<NotificationJobData>[]): Promise<void> {
    const jobs: Array<Promise<void>> = [];
    for (const entry of entries) {
      const problem = notificationDataProblem(entry.data);
      if (problem === undefined) jobs.push(this.producer.enqueue(entry.data));
      else this.logger.error({ jobId: entry.jobId, data: entry.data }, `outbox row dropped, it is not a notification: ${problem}`);
    }
    await Promise.all(jobs);
  }

  private async drainAll(): Promise<number> {
    let moved = 0;
    try {
      for (;;) {
        const n = await this.outbox.drain<NotificationJobData>(RELAY_BATCH_SIZE, (entries) => this.move(entries));
        moved += n;
        if (n < RELAY_BATCH_SIZE) break;
      }
    } catch (error) {
      if (Date.now() - this.lastErrorLoggedAt > 10_000) {
        this.lastErrorLoggedAt = Date.now();
        this.logger.warn(`outbox relay paused: ${(error as Error).message}`);
      }
    }
    if (moved > 0) {
      this.metrics.outboxRelayed(moved);
      this.logger.log(`relayed ${moved} events from the outbox to the queue`);
    }
    return moved;
  }
}
