import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RedisHealthIndicator } from '@app/observability';
import { DeliveryModule } from '../delivery/delivery.module';
import { HealthController } from './health.controller';
import { WorkerHealthIndicator } from './worker-health.indicator';
import { WorkerProgressIndicator } from './worker-progress.indicator';

@Module({
  imports: [TerminusModule, DeliveryModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, WorkerHealthIndicator, WorkerProgressIndicator],
})
export class HealthModule {}
