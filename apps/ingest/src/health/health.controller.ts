import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { IntakeHealthIndicator } from './intake-health.indicator';

/** Liveness: the process answers. Readiness: a callback can be stored (queue, or outbox while Redis is away). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly intake: IntakeHealthIndicator,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([() => this.intake.isHealthy()]);
  }
}
