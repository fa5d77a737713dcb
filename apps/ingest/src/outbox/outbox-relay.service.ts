import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PushMetrics } from '@app/observability';
import { OutboxRepository } from '@app/persistence';
import type { NotificationJobData } from '@app/queue';
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

  private async drainAll(): Promise<number> {
    let moved = 0;
    try {
      for (;;) {
        const n = await this.outbox.drain<NotificationJobData>(RELAY_BATCH_SIZE, (entries) =>
          Promise.all(entries.map((e) => this.producer.enqueue(e.data))).then(() => undefined),
        );
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
