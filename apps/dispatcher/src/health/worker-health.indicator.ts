import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { NotificationProcessor } from '../delivery/notification.processor';

/** Up while the notifications worker runs and is not paused (a closing worker takes no jobs). */
@Injectable()
export class WorkerHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly processor: NotificationProcessor,
  ) {}

  isHealthy(key = 'worker') {
    const indicator = this.health.check(key);
    const worker = this.processor.worker;
    const details = { running: worker.isRunning(), paused: worker.isPaused(), concurrency: worker.concurrency };
    return details.running && !details.paused ? indicator.up(details) : indicator.down(details);
  }
}
