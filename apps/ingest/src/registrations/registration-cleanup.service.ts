import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown, Optional } from '@nestjs/common';
import { DatabaseConnector, RegistrationRepository } from '@app/persistence';

export const CLEANUP_INTERVAL_MS = 10 * 60_000;
const CLEANUP_BATCH_SIZE = 5_000;

/**
 * Removes expired registrations every ~10 minutes (reads already ignore them; this only reclaims
 * space). Jittered so replicas drift apart; concurrent runs are harmless since the delete is
 * idempotent and batched.
 */
@Injectable()
export class RegistrationCleanupService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RegistrationCleanupService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    private readonly repository: RegistrationRepository,
    @Optional() private readonly connector?: DatabaseConnector,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One clean-up pass; resolves to the number of rows removed (0 when the store is away). */
  runOnce(): Promise<number> {
    this.running ??= this.deleteAllExpired().finally(() => (this.running = undefined));
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = CLEANUP_INTERVAL_MS * (0.5 + Math.random());
    this.timer = setTimeout(() => void this.runOnce().then(() => this.schedule()), delay);
    this.timer.unref();
  }

  private async deleteAllExpired(): Promise<number> {
    if (this.connector && !this.connector.connected) return 0;
    let removed = 0;
    try {
      for (;;) {
        const n = await this.repository.deleteExpired(CLEANUP_BATCH_SIZE);
        removed += n;
        if (n < CLEANUP_BATCH_SIZE || this.stopped) break;
      }
    } catch (error) {
      this.logger.warn(`expired registrations not cleaned up: ${(error as Error).message}`);
    }
    if (removed > 0) this.logger.log(`removed ${removed} expired registrations`);
    return removed;
  }
}
