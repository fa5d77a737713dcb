import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Counter, Gauge, type Registry } from 'prom-client';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/queue';
import { MetricName, QUEUE_SCRAPE_TIMEOUT_MS } from './metrics.constants';
import { METRICS_REGISTRY } from './metrics.tokens';
import { withTimeout } from './redis-health.indicator';

const LOG_EVERY_MS = 60_000;

/**
 * Queue depth, read from BullMQ on each scrape rather than tracked by events, so it is right after
 * restarts and across replicas. A scrape never waits on a slow Redis longer than the timeout: the
 * series are then left out and the error counter says why.
 */
@Injectable()
export class QueueDepthCollector {
  private readonly logger = new Logger(QueueDepthCollector.name);
  private lastLoggedAt = 0;
  private readonly errors: Counter;

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly notifications: Queue,
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetter: Queue,
  ) {
    this.errors = new Counter({
      name: MetricName.QueueScrapeErrorsTotal,
      help: 'Scrapes that could not read the queue counts in time',
      registers: [registry],
    });
    const gauge: Gauge<'queue' | 'state'> = new Gauge({
      name: MetricName.QueueJobs,
      help: 'Jobs in the queues by state (dead-letter: entries waiting for an operator)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      collect: () => this.collect(gauge),
    });
  }

  private async collect(gauge: Gauge<'queue' | 'state'>): Promise<void> {
    gauge.reset();
    try {
      const depth = await this.read();
      for (const [state, value] of Object.entries(depth.notifications)) {
        gauge.set({ queue: NOTIFICATIONS_QUEUE, state }, value);
      }
      gauge.set({ queue: DEAD_LETTER_QUEUE, state: 'dead-letter' }, depth.deadLetter);
    } catch (error) {
      this.errors.inc();
      this.warn(error as Error);
    }
  }

  async read(): Promise<{ notifications: Record<'waiting' | 'active' | 'delayed' | 'failed', number>; deadLetter: number }> {
    const [main, dlq] = await withTimeout(
      Promise.all([
        this.notifications.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed'),
        this.deadLetter.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed'),
      ]),
      QUEUE_SCRAPE_TIMEOUT_MS,
    );
    const n = (v: number | undefined) => v ?? 0;
    return {
      notifications: {
        waiting: n(main.wait) + n(main.prioritized),
        active: n(main.active),
        delayed: n(main.delayed),
        failed: n(main.failed),
      },
      deadLetter: n(dlq.wait) + n(dlq.prioritized) + n(dlq.active) + n(dlq.delayed) + n(dlq.failed),
    };
  }

  private warn(error: Error): void {
    if (Date.now() - this.lastLoggedAt < LOG_EVERY_MS) return;
    this.lastLoggedAt = Date.now();
    this.logger.warn(`queue depth not collected: ${error.message}`);
  }
}
