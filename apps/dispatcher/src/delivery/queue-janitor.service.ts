/**
 * Removes finished jobs and dead-letter entries older than their retention, on a timer. BullMQ's
 * `removeOnComplete`/`removeOnFail` trim only when a later job finishes, so without this an idle
 * queue would keep its last jobs for ever. Each run does a bounded amount of work.
 */
import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { APP_CONFIG, type AppConfig, type QueueRetention } from '@app/config';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from '@app/queue';

/** Jobs one `clean` call removes at most: a run never holds Redis for long. */
export const CLEAN_LIMIT = 1_000;

type CleanState = 'completed' | 'failed' | 'wait';

@Injectable()
export class QueueJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueJanitor.name);
  private readonly retention: QueueRetention;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectQueue(NOTIFICATIONS_QUEUE) private readonly notifications: Queue,
    @InjectQueue(DEAD_LETTER_QUEUE) private readonly deadLetters: Queue,
  ) {
    this.retention = config.dispatch.retention;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), this.retention.cleanIntervalSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One clean-up pass; returns how many jobs went. A pass still running is not started twice. */
  run(): Promise<number> {
    this.running ??= this.clean().finally(() => (this.running = undefined));
    return this.running;
  }

  private async clean(): Promise<number> {
    const { completed, failed, deadLetter } = this.retention;
    const passes: Array<[Queue, number, CleanState]> = [
      [this.notifications, completed.age, 'completed'],
      [this.notifications, failed.age, 'failed'],
      // Entries are parked as failed by the admin app; replayed ones complete; unparked ones wait.
      [this.deadLetters, deadLetter.age, 'failed'],
      [this.deadLetters, deadLetter.age, 'wait'],
      [this.deadLetters, completed.age, 'completed'],
    ];
    let removed = 0;
    for (const [queue, ageSeconds, state] of passes) {
      try {
        removed += (await queue.clean(ageSeconds * 1000, CLEAN_LIMIT, state)).length;
      } catch (error) {
        this.logger.warn(`clean-up of ${queue.name} (${state}) failed: ${(error as Error).message}`);
      }
    }
    if (removed > 0) this.logger.debug(`removed ${removed} jobs past their retention`);
    return removed;
  }
}
