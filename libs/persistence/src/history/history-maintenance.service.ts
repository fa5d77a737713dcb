import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { maintainHistoryPartitions, type PartitionReport } from './history-partitions';

const EVERY_MS = 3_600_000;
const RETRY_MS = 30_000;

/**
 * Keeps the history's day partitions: at start (in the background, so a Postgres that is away
 * never delays it) and hourly. Every replica runs it; the advisory lock makes that safe.
 */
@Injectable()
export class HistoryMaintenance implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HistoryMaintenance.name);
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running?: Promise<unknown>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.history.enabled) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One maintenance run; throws when Postgres is away. */
  run(): Promise<PartitionReport> {
    return maintainHistoryPartitions(this.dataSource, this.config.history.retentionDays);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runLogged().then((ok) => this.schedule(ok ? EVERY_MS : RETRY_MS));
    }, delayMs);
    this.timer.unref();
  }

  private async runLogged(): Promise<boolean> {
    if (!this.dataSource.isInitialized) return false;
    try {
      const report = await this.run();
      if (report.created.length + report.dropped.length > 0) {
        this.logger.log(`history partitions: ${report.created.length} created, dropped: ${report.dropped.join(', ') || 'none'}`);
      }
      return true;
    } catch (error) {
      this.logger.warn(`history partitions not maintained: ${(error as Error).message}`);
      return false;
    }
  }
}
