import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * Connects the data source without holding the app's start hostage: one attempt during start-up,
 * then retries in the background with capped back-off. Apps whose main path works without Postgres
 * (the ingest) boot anyway and report the store unavailable until the connection is made.
 */
@Injectable()
export class DatabaseConnector implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseConnector.name);
  private timer?: NodeJS.Timeout;
  private attempt?: Promise<boolean>;
  private delayMs = FIRST_RETRY_MS;
  private stopped = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get connected(): boolean {
    return this.dataSource.isInitialized;
  }

  async onModuleInit(): Promise<void> {
    if (!(await this.connect())) this.scheduleRetry();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.attempt;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** One connection attempt; true once connected. Concurrent callers share the attempt. */
  connect(): Promise<boolean> {
    if (this.dataSource.isInitialized) return Promise.resolve(true);
    this.attempt ??= this.dataSource.initialize().then(
      () => {
        this.logger.log('connected to Postgres');
        return true;
      },
      (error: Error) => {
        this.logger.warn(`Postgres unavailable (retrying in ${Math.round(this.delayMs / 1000)} s): ${error.message}`);
        return false;
      },
    );
    return this.attempt.finally(() => (this.attempt = undefined));
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const jitter = Math.random() * this.delayMs * 0.2;
    this.timer = setTimeout(() => {
      void this.connect().then((ok) => {
        if (ok || this.stopped) return;
        this.delayMs = Math.min(this.delayMs * 2, MAX_RETRY_MS);
        this.scheduleRetry();
      });
    }, this.delayMs + jitter);
    this.timer.unref();
  }
}
