import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { withTimeout } from '@app/observability';
import { NOTIFICATIONS_QUEUE } from '@app/queue';
import { NotificationProcessor } from '../delivery/notification.processor';

const COUNT_TIMEOUT_MS = 1_000;

/**
 * Readiness by progress, not by `isRunning()`: after a Redis outage a BullMQ worker can stay connected
 * and look alive yet take no jobs. Down when jobs wait and this worker has taken, finished or looked
 * for none during the stall timeout (an empty queue counts as progress: there is nothing to take).
 */
@Injectable()
export class WorkerProgressIndicator implements OnApplicationBootstrap {
  private lastProgressAt = Date.now();
  private readonly stallTimeoutMs: number;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly processor: NotificationProcessor,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.stallTimeoutMs = config.dispatch.stallTimeoutMs;
  }

  onApplicationBootstrap(): void {
    const progressed = () => (this.lastProgressAt = Date.now());
    for (const event of ['active', 'completed', 'failed', 'drained'] as const) this.processor.worker.on(event, progressed);
  }

  async isHealthy(key = 'progress') {
    const indicator = this.health.check(key);
    let waiting: number;
    try {
      const counts = await withTimeout(this.queue.getJobCounts('wait', 'prioritized'), COUNT_TIMEOUT_MS);
      waiting = (counts.wait ?? 0) + (counts.prioritized ?? 0);
    } catch (error) {
      return indicator.down({ message: `queue unreadable: ${(error as Error).message}` });
    }
    if (waiting === 0) this.lastProgressAt = Date.now();
    const idleMs = Date.now() - this.lastProgressAt;
    const details = { waiting, msSinceProgress: idleMs, stallTimeoutMs: this.stallTimeoutMs };
    return idleMs > this.stallTimeoutMs ? indicator.down({ ...details, message: 'jobs wait and the worker takes none' }) : indicator.up(details);
  }
}
