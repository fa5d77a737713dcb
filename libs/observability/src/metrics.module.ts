/**
 * Prometheus metrics of one app: the `axp_push_` families behind the typed `PushMetrics` service,
 * default process metrics, optional queue depth read on scrape, and the `/metrics` endpoint.
 */
import { DynamicModule, Module, type Provider } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { MetricsController } from './metrics.controller';
import { METRICS_REGISTRY } from './metrics.tokens';
import { PushMetrics } from './push-metrics.service';
import { QueueDepthCollector } from './queue-depth.collector';

export interface MetricsOptions {
  /**
   * Report `axp_push_queue_jobs` from this app. Every replica reports the same numbers, so enable
   * it on few apps (admin, dispatcher) and aggregate with max() rather than sum().
   */
  queueDepth?: boolean;
}

@Module({})
export class MetricsModule {
  static forRoot(options: MetricsOptions = {}): DynamicModule {
    const registry: Provider = {
      provide: METRICS_REGISTRY,
      useFactory: () => {
        const instance = new Registry();
        collectDefaultMetrics({ register: instance });
        return instance;
      },
    };
    return {
      module: MetricsModule,
      global: true,
      controllers: [MetricsController],
      providers: [registry, PushMetrics, ...(options.queueDepth ? [QueueDepthCollector] : [])],
      exports: [METRICS_REGISTRY, PushMetrics],
    };
  }
}
