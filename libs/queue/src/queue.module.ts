import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import { Cluster } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@app/config';
import { DEAD_LETTER_QUEUE, NOTIFICATIONS_QUEUE } from './queue.constants';
import { usePostgresQueueBackend } from './queue-backend';
import { type ConnectionRole, redisClusterOptions, redisOptions } from './redis-connection';

/**
 * Registers, once per app, the BullMQ connection for a role and both queues of the contract (global).
 * QUEUE_BACKEND=postgres swaps Redis for BullMQ's PostgreSQL backend on DATABASE_URL.
 */
@Module({})
export class QueueModule {
  static forRoot(role: ConnectionRole): DynamicModule {
    const bull = BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (config.queue.backend === 'postgres') {
          return { prefix: config.queue.prefix, connection: usePostgresQueueBackend(config.database) };
        }
        const cluster = redisClusterOptions(config.redis, role);
        const connection: ConnectionOptions = cluster
          ? (new Cluster(cluster.nodes, cluster.options) as unknown as ConnectionOptions)
          : (redisOptions(config.redis, role) as ConnectionOptions);
        return { prefix: config.queue.prefix, connection };
      },
    });
    const queues = BullModule.registerQueue({ name: NOTIFICATIONS_QUEUE }, { name: DEAD_LETTER_QUEUE });
    return {
      module: QueueModule,
      global: true,
      imports: [bull, queues],
      exports: [queues],
    };
  }
}
