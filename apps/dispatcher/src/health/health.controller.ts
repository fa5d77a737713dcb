import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { RedisHealthIndicator } from '@app/observability';
import { WorkerHealthIndicator } from './worker-health.indicator';
import { WorkerProgressIndicator } from './worker-progress.indicator';

/** Liveness: the process answers. Readiness: the queue's Redis answers and the worker is consuming. */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly redis: RedisHealthIndicator,
    private readonly worker: WorkerHealthIndicator,
    private readonly progress: WorkerProgressIndicator,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.redis.isHealthy(), () => this.worker.isHealthy(), () => this.progress.isHealthy()]);
  }
}
