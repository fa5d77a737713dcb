import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RedisHealthIndicator } from '@app/observability';
import { HealthController } from './health.controller';
import { IntakeHealthIndicator } from './intake-health.indicator';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, IntakeHealthIndicator],
})
export class HealthModule {}
