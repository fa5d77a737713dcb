import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RedisHealthIndicator, withTimeout } from '@app/observability';

const CHECK_TIMEOUT_MS = 1_000;

/**
 * The intake is ready while it can store a callback somewhere: the queue (normal) or, with Redis
 * away, the Postgres outbox (degraded, still accepting). Down only when both refuse.
 */
@Injectable()
export class IntakeHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly redis: RedisHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async isHealthy(key = 'intake') {
    const indicator = this.health.check(key);
    const [queue, outbox] = await Promise.all([this.queueUp(), this.outboxUp()]);
    const details = { queue: queue ? 'up' : 'down', outbox: outbox ? 'up' : 'down' };
    if (queue) return indicator.up({ mode: 'normal', ...details });
    if (outbox) return indicator.up({ mode: 'degraded', ...details });
    return indicator.down({ mode: 'refusing', ...details });
  }

  private async queueUp(): Promise<boolean> {
    return (await this.redis.isHealthy()).redis.status === 'up';
  }

  private async outboxUp(): Promise<boolean> {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), CHECK_TIMEOUT_MS);
      return true;
    } catch {
      return false;
    }
  }
}
